import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { asUnavailable, databaseDown, translateDbError } from './sql-errors';
import { render, type SqlFragment, type SqlValue } from './sql-fragment';

export { render, sql, SqlFragment, SqlIdentifier, type RenderedSql, type SqlValue } from './sql-fragment';
export { asUnavailable, translateDbError } from './sql-errors';

interface PgResult {
  rows: unknown[];
}
interface PgConnection {
  query(config: { name?: string; text: string; values: SqlValue[] }): Promise<PgResult>;
}
interface KnexClientLike {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/**
 * What the domain needs to know about the database's health: src/db runs a probe on a connection
 * of its own and registers it here at start-up (the domain does not import src/db).
 */
export interface DatabaseStatus {
  /** The last probe answered and none is overdue. */
  ready(): boolean;
  /** The database is known to be down: fail at once (503) instead of waiting for a connection. */
  down(): boolean;
}

const statuses = new WeakMap<object, DatabaseStatus>();

/** Makes `status` the one consulted for the sessions of the ORM whose configuration is `config`. */
export function registerDatabaseStatus(config: object, status: DatabaseStatus): void {
  statuses.set(config, status);
}

/** The status registered for the ORM a session belongs to, if any (none: assume the database is up). */
export function databaseStatusOf(em: { config: object }): DatabaseStatus | undefined {
  return statuses.get(em.config);
}

/**
 * A session that reads from a read-only copy of the database kept by PostgreSQL replication
 * (src/db registers one per copy). What the copy cannot run goes to `session` (the primary):
 * every transaction, and any statement while `usable()` says no or that fails because the copy is
 * unreachable, refuses to write, or cancelled it to replay the primary's changes. The domain does
 * not choose copies; the transports decide which requests may read from one (docs/scaling.md).
 */
export interface ReadFallback {
  /** Where statements go when the copy cannot take them. */
  session: EntityManager;
  /** The copy may be used now (reachable, and not lagging beyond the allowed staleness). */
  usable(): boolean;
  /** Told each time a statement goes to `session` instead, and why. */
  onFallBack?(reason: FallBackReason): void;
}

/** Why a statement meant for a read-only copy ran on the primary. */
export type FallBackReason = 'unusable' | 'unreachable' | 'write' | 'conflict' | 'transaction';

const fallbacks = new WeakMap<object, ReadFallback>();

/** Makes the sessions of the ORM whose configuration is `config` read-only, falling back to another. */
export function registerReadFallback(config: object, fallback: ReadFallback): void {
  fallbacks.set(config, fallback);
}

/**
 * The session that can write for `em`: its primary when `em` reads from a read-only copy, else `em`
 * itself. For a read's bookkeeping (ADR 0019's paging caches), which a copy cannot hold.
 */
export function writableSession(em: EntityManager): EntityManager {
  return fallbacks.get(em.config)?.session ?? em;
}

/** Thrown inside query() when a statement must run on the fallback session instead. */
class FallBack {
  constructor(readonly reason: FallBackReason) {}
}

/**
 * Failures of a statement on a read-only copy that the primary would not have: the copy cannot be
 * reached (refused, reset, not accepting connections), the statement writes (25006
 * read_only_sql_transaction), or replaying the primary's changes cancelled it (40001 recovery
 * conflict, 40P01 its deadlock form, 57P04 database dropped). A statement timeout is not among
 * them: the primary would spend the same time again.
 */
function fallBackReasonOf(e: unknown): FallBackReason | undefined {
  const code = (e as { code?: unknown })?.code;
  if (code === '25006') return 'write';
  if (code === '40001' || code === '40P01' || code === '57P04') return 'conflict';
  const down = asUnavailable(e);
  if (down && code !== '57014' && code !== '25P03' && code !== '55P03') return 'unreachable';
  return undefined;
}

interface PooledPgClient {
  connection?: { stream?: { destroy(): void } };
  __knex__disposed?: unknown;
}

/**
 * Closes a pooled `pg` connection's socket now (a frozen server never answers a polite close) and
 * marks it disposed, so knex never hands it out again and replaces it when one is next needed.
 */
export function discardConnection(connection: object, reason: string): void {
  const c = connection as PooledPgClient;
  c.__knex__disposed ??= new Error(reason);
  c.connection?.stream?.destroy();
}

export interface QueryOptions {
  /**
   * Plan once per connection: send the statement as a named prepared statement, which PostgreSQL
   * parses and plans once and then runs with a generic plan. Only for statements whose best plan
   * cannot depend on the values: a lookup or change by primary or unique key, an insert, the
   * provisioning-log batch. Anything that selects a tenant's rows by a condition that is not
   * unique must be planned with its values (the default): a generic plan assumes an average
   * tenant, and measured here it scanned all 50,000 users of a large tenant to resolve one id.
   */
  prepare?: boolean;
}

/** For statements whose plan cannot depend on their values (see QueryOptions.prepare). */
export const PREPARE: QueryOptions = { prepare: true };

/**
 * Runs one SQL statement, built with the `sql` tag (ADR 0008), on the context's EntityManager
 * (inside its transaction, if any).
 *
 * The statement goes to the `pg` connection of MikroORM's pool (or of the open transaction) with
 * its parameters bound, not inlined: MikroORM's em.execute formats every value into the SQL text.
 * With `prepare` (see QueryOptions) it is also a named prepared statement: on the SCIM hot paths
 * planning was most of PostgreSQL's time, and a user read fell from ~0.22 ms to ~0.04 ms of server
 * CPU, the create statement from ~0.34 ms to ~0.23 ms.
 */
export async function query<T = Record<string, unknown>>(
  em: EntityManager,
  statement: SqlFragment,
  opts: QueryOptions = {},
): Promise<T[]> {
  const fallback = fallbacks.get(em.config);
  if (!fallback) return run<T>(em, statement, opts, false);
  try {
    if (!fallback.usable()) throw new FallBack('unusable');
    return await run<T>(em, statement, opts, true);
  } catch (e) {
    if (!(e instanceof FallBack)) throw e;
    fallback.onFallBack?.(e.reason);
    return run<T>(fallback.session, statement, opts, false);
  }
}

/** query() on one session; with `readCopy`, failures the primary would not have throw FallBack. */
async function run<T>(
  em: EntityManager,
  statement: SqlFragment,
  opts: QueryOptions,
  readCopy: boolean,
): Promise<T[]> {
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getConnection().getKnex();
  const client = knex.client as KnexClientLike;
  const { text, values } = render(statement);
  const stmt = statementFor(text, values, opts.prepare === true);
  // While the database is known to be down, fail at once (503) rather than queue for a connection.
  if (!knex.isTransaction && databaseStatusOf(em)?.down())
    throw readCopy ? new FallBack('unreachable') : databaseDown();
  // MikroORM's query logging (debug, and the statement counts the tests assert) still sees it.
  const logger = em.config.getLogger();
  const started = logger.isEnabled('query') ? Date.now() : undefined;
  let connection: PgConnection | undefined;
  try {
    connection = await client.acquireConnection().catch((e: unknown) => {
      // Whatever stops us getting a connection (refused, not accepting connections, too many
      // clients, the pool's acquire timeout) is the database being unavailable, not a bug.
      throw readCopy ? new FallBack('unreachable') : (asUnavailable(e) ?? databaseDown());
    });
    const conn = connection;
    const result = await conn.query(stmt).catch(async (e: unknown) => {
      // Another deploy changed a table under a prepared `select *` (rolling upgrade): prepare the
      // text afresh under a new name and, outside a transaction (which the error aborted), retry.
      if (!isStalePlan(e) || !stmt.name) throw e;
      renameStatement(text);
      if (knex.isTransaction) throw e;
      return conn.query(statementFor(text, values, true));
    });
    if (started !== undefined) {
      logger.logQuery({
        query: text,
        params: values,
        took: Date.now() - started,
        results: result.rows.length,
      });
    }
    return result.rows as T[];
  } catch (e) {
    if (started !== undefined) {
      logger.logQuery({ query: text, params: values, took: Date.now() - started, level: 'error' });
    }
    // A statement that timed out on the client may still be running on the server: this
    // connection's next answer would be that statement's. Never reuse it.
    if (connection && isReadTimeout(e)) discardConnection(connection, 'query read timeout');
    if (e instanceof FallBack) throw e;
    const reason = readCopy ? fallBackReasonOf(e) : undefined;
    throw reason ? new FallBack(reason) : translateDbError(e);
  } finally {
    if (connection) await client.releaseConnection(connection);
  }
}

function isReadTimeout(e: unknown): boolean {
  return (e as { message?: string })?.message === 'Query read timeout';
}

interface Prepared {
  name: string | undefined;
  seen: number;
}

/**
 * Distinct statement texts given a name (prepared on each connection that runs them). A prepared
 * user read holds ~160 kB of plan cache in each backend, so this bounds that memory (~16 MB per
 * connection); the texts marked PREPARE are a few dozen.
 */
const MAX_NAMED = 100;
/** PREPARE texts remembered (with how often they were seen) before the unnamed ones are forgotten. */
const MAX_REMEMBERED = 4000;
/** Keyed by the rendered text: equal texts, however their fragments were composed, share a name. */
const statements = new Map<string, Prepared>();
let named = 0;

function isStalePlan(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '0A000' && /cached plan must not change result type/.test(err.message ?? '');
}

function renameStatement(text: string): void {
  const p = statements.get(text);
  if (p?.name) p.name = `cpd_${++named}`;
}

/**
 * The statement to send: for one to prepare that has been seen twice, with a name, so one-off
 * texts are not kept prepared on the server. At most MAX_NAMED texts get a name, which bounds what
 * each PostgreSQL backend holds in its plan cache.
 */
function statementFor(
  text: string,
  values: SqlValue[],
  prepare: boolean,
): { name?: string; text: string; values: SqlValue[] } {
  if (!prepare) return { text, values };
  let p = statements.get(text);
  if (!p) {
    if (statements.size >= MAX_REMEMBERED) {
      for (const [key, value] of statements) if (!value.name) statements.delete(key);
    }
    p = { name: undefined, seen: 0 };
    statements.set(text, p);
  }
  p.seen++;
  if (!p.name && p.seen >= 2 && named < MAX_NAMED) p.name = `cpd_${++named}`;
  return { name: p.name, text, values };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot exist, so callers answer "not found" without a query. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Encodes a list as a PostgreSQL array literal (`{"a","b"}`), one text value to bind and cast in
 * the SQL (`${pgArray(ids)}::uuid[]`).
 */
export function pgArray(values: readonly (string | null)[]): string {
  const items = values.map((v) =>
    v === null ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  );
  return `{${items.join(',')}}`;
}

/** Encodes a value as a jsonb parameter. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Runs `work` in a database transaction on a fresh fork of the context's EntityManager: commit on
 * success, roll back on any error. Domain writes are SQL statements (the unit of work stays
 * empty), so the transaction is driven on the connection directly: em.transactional() and
 * em.commit() run inside AsyncLocalStorage, which turns on promise hooks for the whole process and
 * taxes every later request.
 */
export async function inTransaction<C extends { em: EntityManager }, T>(
  ctx: C,
  work: (tx: C) => Promise<T>,
): Promise<T> {
  if (ctx.em.isInTransaction()) return work(ctx);
  // Transactions are for writes (and reads that must agree with them): on the primary.
  const fallback = fallbacks.get(ctx.em.config);
  if (fallback) {
    fallback.onFallBack?.('transaction');
    return inTransaction({ ...ctx, em: fallback.session }, work);
  }
  if (databaseStatusOf(ctx.em)?.down()) throw databaseDown();
  const em = ctx.em.fork();
  const connection = em.getConnection('write');
  let trx: Knex.Transaction;
  try {
    trx = await connection.begin();
  } catch (err) {
    // BEGIN fails only when no connection can be had.
    throw asUnavailable(err) ?? databaseDown();
  }
  em.setTransactionContext(trx);
  try {
    const result = await work({ ...ctx, em });
    await connection.commit(trx);
    return result;
  } catch (err) {
    // A rollback on a lost connection fails too; the error worth reporting is the first one.
    await connection.rollback(trx).catch(() => undefined);
    throw translateDbError(err);
  } finally {
    em.resetTransactionContext();
  }
}
