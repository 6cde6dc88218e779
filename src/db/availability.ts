import { Client } from 'pg';
import { registerDatabaseStatus, type DatabaseStatus } from '../domain/sql';
import type { Orm } from './orm';

/**
 * Whether PostgreSQL answers, as seen by a probe on a connection of its own. Readiness reads it
 * without a query (so /readyz answers at once even when the database hangs), and requests fail fast
 * with 503 while the database is down instead of each trying to connect (a connect storm) or
 * waiting on a frozen server.
 */
export interface DatabaseAvailability extends DatabaseStatus {
  /** The last probe answered and none is overdue. */
  ready(): boolean;
  /** Two probes in a row failed: requests should not try the database. */
  down(): boolean;
  /** Stops probing and closes the probe's connection. */
  stop(): Promise<void>;
}

export interface AvailabilityLog {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface AvailabilityOptions {
  url: string;
  log: AvailabilityLog;
  /** Called when the database is declared down (the pool's connections are then useless). */
  onDown?: () => void;
  /** Between probes while the database answers. */
  intervalMs?: number;
  /** A probe (connect or `select 1`) slower than this has failed. */
  timeoutMs?: number;
  /** Longest wait between probes while the database is down (recovery is seen within it). */
  maxBackoffMs?: number;
}

/**
 * Makes `availability` the status the domain consults for this ORM's sessions (requests fail fast
 * while it says down; readiness reads it). The domain defines what it needs; src/db provides it.
 */
export function registerAvailability(orm: Orm, availability: DatabaseAvailability): void {
  registerDatabaseStatus(orm.config, availability);
}

/**
 * Probes every `intervalMs` (200 ms) with a `timeoutMs` (400 ms) limit, so readiness turns false
 * within ~0.6 s of the database freezing (plus any event-loop delay). One failure makes the service not ready; two in a row
 * make it down. While down the probe backs off to `maxBackoffMs` (1 s), so recovery is noticed
 * within about a second of the database answering again.
 */
export function monitorAvailability(opts: AvailabilityOptions): DatabaseAvailability {
  const interval = opts.intervalMs ?? 200;
  const timeout = opts.timeoutMs ?? 400;
  const maxBackoff = opts.maxBackoffMs ?? 1000;
  let failures = 0;
  let probeStarted: number | undefined;
  let stopped = false;
  let client: Client | undefined;
  let timer: NodeJS.Timeout | undefined;

  const drop = () => {
    const c = client;
    client = undefined;
    if (!c) return;
    c.removeAllListeners();
    c.on('error', () => undefined);
    // A frozen server never answers the Terminate message; close the socket outright.
    (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    c.end().catch(() => undefined);
  };

  const probeOnce = async (): Promise<void> => {
    if (!client) {
      const c = new Client({
        connectionString: opts.url,
        application_name: 'checkproof-directory-probe',
        connectionTimeoutMillis: timeout,
      });
      c.on('error', () => {
        if (client === c) drop();
      });
      client = c;
      await c.connect();
    }
    await client.query('select 1');
  };

  const settle = (ok: boolean, err?: unknown) => {
    probeStarted = undefined;
    if (ok) {
      if (failures >= 2) opts.log.info({}, 'database reachable again');
      failures = 0;
    } else {
      drop();
      failures++;
      if (failures === 2) {
        opts.log.warn({ err: String(err) }, 'database unreachable: answering 503 until it is back');
        opts.onDown?.();
      }
    }
    schedule();
  };

  const run = () => {
    timer = undefined;
    if (stopped) return;
    probeStarted = Date.now();
    let settled = false;
    const done = (ok: boolean, err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      settle(ok, err);
    };
    // A timer can fire late behind a busy event loop, together with the probe's answer; let the
    // answer (read in the poll phase) win before calling the probe failed.
    const guard = setTimeout(
      () => setImmediate(() => done(false, new Error(`no answer within ${timeout} ms`))),
      timeout,
    );
    guard.unref();
    probeOnce().then(
      () => done(true),
      (err: unknown) => done(false, err),
    );
  };

  const schedule = () => {
    if (stopped) return;
    const wait = failures === 0 ? interval : Math.min(interval * 2 ** (failures - 1), maxBackoff);
    timer = setTimeout(run, wait);
    timer.unref();
  };

  schedule();
  return {
    ready: () => failures === 0 && (probeStarted === undefined || Date.now() - probeStarted < timeout),
    down: () => failures >= 2,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      drop();
    },
  };
}
