import type { DbSession } from '../domain/context';
import { registerReadFallback, type FallBackReason } from '../domain/sql';
import { openOrm, resetPool, type Orm } from './orm';
import type { DbTimeouts } from './orm-config';
import { monitorReplicaLag, type ReplicaLagState } from './replica-lag';

/** One replica as routing sees it (for /metrics and /readyz). */
export interface ReplicaStatus {
  /** host:port of its URL (never credentials). */
  replica: string;
  /** Reads are sent to it now: reachable, a hot standby, and no more than the allowed lag behind. */
  inUse: boolean;
  reachable: boolean;
  /** Lag at the last sample in ms (an upper bound); null until known. */
  lagMs: number | null;
}

/** The read replicas of a process: their pools, the lag monitor, and the choice of one to read from. */
export interface Replicas {
  /**
   * A session on a replica fresh enough to read from, taking them in turn; undefined when none
   * is (read on the primary). Statements it cannot run go to the primary (ReadFallback).
   */
  readSession(): DbSession | undefined;
  status(): ReplicaStatus[];
  /** Stops the monitor and closes the replicas' pools. */
  close(): Promise<void>;
}

export interface ReplicaOptions {
  urls: readonly string[];
  /** The primary's ORM: statements a replica cannot run go to its session. */
  primary: Orm;
  maxLagMs: number;
  poolMax: number;
  timeouts?: Partial<DbTimeouts>;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Told each time a statement meant for a replica ran on the primary, and why. */
  onFallBack?: (replica: string, reason: FallBackReason) => void;
}

/** host:port of a URL, a label without credentials. */
function labelOf(url: string, index: number, taken: Set<string>): string {
  let label: string;
  try {
    const u = new URL(url);
    label = `${u.hostname}:${u.port || '5432'}`;
  } catch {
    label = `replica-${index}`;
  }
  if (taken.has(label)) label = `${label}#${index}`;
  taken.add(label);
  return label;
}

/** The monitor's tick: a fraction of the allowed lag, so a lagging replica is seen well within it. */
export function lagTickMs(maxLagMs: number): number {
  return Math.min(500, Math.max(50, Math.floor(maxLagMs / 4)));
}

/**
 * Opens a pool per replica (application_name checkproof-directory-replica) and the lag monitor.
 * A replica that is unreachable at start is only skipped until it answers.
 */
export async function openReplicas(opts: ReplicaOptions): Promise<Replicas> {
  const primaryUrl = opts.primary.config.get('clientUrl') ?? '';
  const taken = new Set<string>();
  const replicas: Array<{ label: string; orm: Orm; inUse: boolean }> = [];
  try {
    for (const [i, url] of opts.urls.entries()) {
      const orm = await openOrm({
        url,
        poolMax: opts.poolMax,
        applicationName: 'checkproof-directory-replica',
        connectAtStart: false,
        ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      });
      replicas.push({ label: labelOf(url, i, taken), orm, inUse: false });
    }
  } catch (err) {
    await Promise.all(replicas.map((r) => r.orm.close(true)));
    throw err;
  }
  const tick = lagTickMs(opts.maxLagMs);
  const failures = replicas.map(() => 0);
  const monitor = monitorReplicaLag({
    primaryUrl,
    replicaUrls: opts.urls,
    intervalMs: tick,
    timeoutMs: Math.max(400, 2 * tick),
    windowMs: Math.max(10_000, 4 * opts.maxLagMs),
    onTick: (states) => states.forEach((state, i) => observe(i, state)),
  });

  /** Fresh enough now: the lag measured then, plus the time since, within the allowed lag. */
  const usable = (i: number): boolean => {
    const s = monitor.state(i);
    return s.reachable && s.freshAsOf !== undefined && Date.now() - s.freshAsOf <= opts.maxLagMs;
  };

  /** Logs each replica going out of use and back; resets a vanished replica's pool. */
  const observe = (i: number, state: ReplicaLagState) => {
    const r = replicas[i]!;
    failures[i] = state.reachable ? 0 : failures[i]! + 1;
    // Statements waiting on a replica that stopped answering fail now and run on the primary.
    if (failures[i] === 2) resetPool(r.orm);
    const now = usable(i);
    if (now === r.inUse) return;
    r.inUse = now;
    if (now) opts.log.info({ replica: r.label, lagMs: state.lagMs }, 'reading from replica');
    else
      opts.log.warn(
        {
          replica: r.label,
          reason: !state.reachable ? 'unreachable' : state.notStandby ? 'not a hot standby' : 'lagging',
          lagMs: state.lagMs,
          maxLagMs: opts.maxLagMs,
        },
        'replica skipped: reading from the primary',
      );
  };

  replicas.forEach((r, i) => {
    registerReadFallback(r.orm.config, {
      session: opts.primary.em,
      usable: () => usable(i),
      ...(opts.onFallBack ? { onFallBack: (reason) => opts.onFallBack!(r.label, reason) } : {}),
    });
  });

  let next = 0;
  return {
    readSession() {
      for (let k = 0; k < replicas.length; k++) {
        const i = (next + k) % replicas.length;
        if (!usable(i)) continue;
        next = (i + 1) % replicas.length;
        return replicas[i]!.orm.em;
      }
      return undefined;
    },
    status: () =>
      replicas.map((r, i) => {
        const s = monitor.state(i);
        return { replica: r.label, inUse: usable(i), reachable: s.reachable, lagMs: s.lagMs ?? null };
      }),
    async close() {
      await monitor.stop();
      await Promise.all(replicas.map((r) => r.orm.close(true)));
    },
  };
}
