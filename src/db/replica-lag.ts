import { Client } from 'pg';

/**
 * How far behind the primary each replica is, measured by comparing write-ahead-log positions.
 *
 * Every tick the monitor asks the primary for its WAL position (remembering when it asked)
 * and then each replica for `pg_last_wal_replay_lsn()`. A replica that has replayed up to the
 * position the primary had at time t holds every transaction acknowledged before t, so it is at
 * most `now - t` behind, where t is the latest remembered primary sample at or below its replay
 * position. This is right in the cases the timestamp formulas get wrong:
 *
 * - **Idle primary.** Its position does not move, the replica has replayed it, so t is the last
 *   tick and the lag stays near zero. (`now() - pg_last_xact_replay_timestamp()` grows without
 *   bound while nothing commits; and after an idle hour the first commit makes a replica look an
 *   hour behind until it replays it.)
 * - **A replica cut off from the primary.** Its WAL receiver stops, so "received = replayed" holds
 *   and the usual `case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0 …`
 *   reports 0 however old its data. Here the primary's position moves on and t stays where the
 *   replica stopped, so the lag grows. (If the primary is idle too there is nothing to miss.)
 * - **The primary out of reach of this process.** No new samples: t cannot advance, the lag grows
 *   and the replica is given up after the allowed staleness, as nothing proves it fresh any more.
 *
 * The measurement's resolution is the tick: a replica only milliseconds behind a busy primary may
 * read as one tick behind (500 ms by default), an upper bound, never an underestimate.
 */
export interface ReplicaLagState {
  /** The last sample of this replica answered. */
  reachable: boolean;
  /** The replica answered but is not a hot standby (promoted, or not a replica at all). */
  notStandby: boolean;
  /** The replica holds everything the primary had acknowledged by this time (Date.now() ms). */
  freshAsOf: number | undefined;
  /** The lag at the last sample, in ms (an upper bound); undefined until known. */
  lagMs: number | undefined;
}

export interface LagMonitorOptions {
  primaryUrl: string;
  replicaUrls: readonly string[];
  /** Between ticks. */
  intervalMs: number;
  /** A sample (connect and query) slower than this has failed. */
  timeoutMs: number;
  /** How long primary samples are remembered (beyond it, a replica is "at least this far behind"). */
  windowMs: number;
  /** After each tick, with every replica's state (for transitions: logging, pool resets). */
  onTick?: (states: readonly ReplicaLagState[]) => void;
}

export interface LagMonitor {
  state(index: number): ReplicaLagState;
  stop(): Promise<void>;
}

// The insert position, not the write position (pg_current_wal_lsn): a commit may be acknowledged
// before its record is written out (asynchronous commit, which PostgreSQL also uses for a
// transaction that wrote nothing before its commit record), and it must count as not replayed.
const PRIMARY_POSITION = `select (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::text as lsn`;
const REPLICA_POSITION = `select pg_is_in_recovery() as standby,
  (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::text as replayed`;

/** One connection of the monitor's own, opened on first use and dropped after any failure. */
class ProbeConnection {
  private client: Client | undefined;
  constructor(
    private readonly url: string,
    private readonly applicationName: string,
    private readonly timeoutMs: number,
  ) {}

  async row(text: string): Promise<Record<string, unknown>> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.ask(text),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      this.drop();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async ask(text: string): Promise<Record<string, unknown>> {
    if (!this.client) {
      const c = new Client({
        connectionString: this.url,
        application_name: this.applicationName,
        connectionTimeoutMillis: this.timeoutMs,
      });
      c.on('error', () => {
        if (this.client === c) this.drop();
      });
      this.client = c;
      await c.connect();
    }
    const { rows } = await this.client.query<Record<string, unknown>>(text);
    return rows[0] ?? {};
  }

  drop(): void {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    c.removeAllListeners();
    c.on('error', () => undefined);
    // A frozen server never answers the Terminate message; close the socket outright.
    (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    c.end().catch(() => undefined);
  }
}

/** Samples the primary's and each replica's WAL position every `intervalMs` (see ReplicaLagState). */
export function monitorReplicaLag(opts: LagMonitorOptions): LagMonitor {
  const primary = new ProbeConnection(opts.primaryUrl, 'checkproof-directory-lag-probe', opts.timeoutMs);
  const replicas = opts.replicaUrls.map(
    (url) => new ProbeConnection(url, 'checkproof-directory-lag-probe', opts.timeoutMs),
  );
  const states: ReplicaLagState[] = opts.replicaUrls.map(() => ({
    reachable: false,
    notStandby: false,
    freshAsOf: undefined,
    lagMs: undefined,
  }));
  /** Primary positions, oldest first, with when they were asked for. */
  const history: Array<{ at: number; lsn: bigint }> = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const samplePrimary = async () => {
    // Stamped before asking: every commit acknowledged by then has a WAL position below the answer.
    const at = Date.now();
    try {
      const row = await primary.row(PRIMARY_POSITION);
      history.push({ at, lsn: BigInt(String(row.lsn)) });
      while (history.length > 1 && history[0]!.at < Date.now() - opts.windowMs) history.shift();
    } catch {
      // No sample: replicas cannot be shown fresher than before (availability.ts reports the primary).
    }
  };

  const sampleReplica = async (i: number) => {
    const state = states[i]!;
    try {
      const row = await replicas[i]!.row(REPLICA_POSITION);
      const answeredAt = Date.now();
      state.reachable = true;
      state.notStandby = row.standby !== true || row.replayed === null;
      if (state.notStandby) {
        state.freshAsOf = undefined;
        state.lagMs = undefined;
        return;
      }
      const replayed = BigInt(String(row.replayed));
      let freshAsOf: number | undefined;
      for (let j = history.length - 1; j >= 0; j--) {
        if (history[j]!.lsn <= replayed) {
          freshAsOf = history[j]!.at;
          break;
        }
      }
      // Behind every remembered sample: at least as old as the oldest (and not known fresh).
      state.freshAsOf = freshAsOf;
      const since = freshAsOf ?? history[0]?.at;
      state.lagMs = since === undefined ? undefined : Math.max(0, answeredAt - since);
    } catch {
      state.reachable = false;
    }
  };

  const tick = async () => {
    timer = undefined;
    if (stopped) return;
    await samplePrimary();
    await Promise.all(replicas.map((_, i) => sampleReplica(i)));
    if (stopped) return;
    opts.onTick?.(states);
    timer = setTimeout(() => (running = tick()), opts.intervalMs);
    timer.unref();
  };

  running = tick();
  return {
    state: (i) => states[i]!,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      primary.drop();
      for (const r of replicas) r.drop();
    },
  };
}
