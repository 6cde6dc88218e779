import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { DomainError, unavailable } from './errors';
import { render, type SqlFragment, type SqlValue } from './sql-fragment';

export { render, sql, SqlFragment, SqlIdentifier, type RenderedSql, type SqlValue } from './sql-fragment';

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
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getConnection().getKnex();
  const client = knex.client as KnexClientLike;
  const { text, values } = render(statement);
  const stmt = statementFor(text, values, opts.prepare === true);
  // While the database is known to be down, fail at once (503) rather than queue for a connection.
  if (!knex.isTransaction && databaseStatusOf(em)?.down()) throw databaseDown();
  // MikroORM's query logging (debug, and the statement counts the tests assert) still sees it.
  const logger = em.config.getLogger();
  const started = logger.isEnabled('query') ? Date.now() : undefined;
  let connection: PgConnection | undefined;
  try {
    connection = await client.acquireConnection().catch((e: unknown) => {
      // Whatever stops us getting a connection (refused, not accepting connections, too many
      // clients, the pool's acquire timeout) is the database being unavailable, not a bug.
      throw asUnavailable(e) ?? databaseDown();
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
    throw translateDbError(e);
  } finally {
    if (connection) await client.releaseConnection(connection);
  }
}

function isReadTimeout(e: unknown): boolean {
  return (e as { message?: string })?.message === 'Query read timeout';
}

const databaseDown = () => unavailable('The directory database is unreachable; retry shortly.', 5);

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

const UNIQUE_CONSTRAINTS: Record<string, () => DomainError> = {
  app_user_tenant_user_name_unique: () =>
    new DomainError(
      'USER_NAME_TAKEN',
      'A user with this userName already exists in this tenant (userName is compared case-insensitively).',
    ),
  group_tenant_display_name_unique: () =>
    new DomainError(
      'GROUP_NAME_TAKEN',
      'A group with this displayName already exists in this tenant (displayName is compared case-insensitively).',
    ),
  tenant_slug_unique: () => new DomainError('TENANT_SLUG_TAKEN', 'A tenant with this slug already exists.'),
};

interface PgErrorLike {
  code?: string;
  constraint?: string;
  previous?: PgErrorLike;
}

/** SQLSTATEs meaning the database cannot serve now (not that the statement is wrong). */
const UNAVAILABLE_STATES = /^(08...|57P0[1-3]|53...|57014|25P03|55P03|55000|3D000|28...)$/;
/** Node socket errors on the way to the database. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** pg, knex and MikroORM messages for a lost connection, a timeout, or a pool that gave up. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Query read timeout|not queryable|timeout expired|Timeout acquiring a connection|Unable to acquire a connection|connection timeout|Connection ended unexpectedly/i;

/**
 * The UNAVAILABLE domain error (503 with Retry-After) for a failure that says the database is
 * unreachable, overloaded or too slow, rather than that the request is wrong; undefined otherwise.
 */
export function asUnavailable(e: unknown): DomainError | undefined {
  for (
    let err = e as PgErrorLike & { message?: string; name?: string }, depth = 0;
    err && depth < 4;
    depth++
  ) {
    if (err instanceof DomainError) return err.code === 'UNAVAILABLE' ? err : undefined;
    if (
      typeof err.code === 'string' &&
      (UNAVAILABLE_STATES.test(err.code) || UNAVAILABLE_CODES.has(err.code))
    ) {
      return err.code === '57014' || err.code === '25P03' || err.code === '55P03'
        ? unavailable('The directory database took too long to answer; retry shortly.', 2)
        : databaseDown();
    }
    if (err.name === 'KnexTimeoutError')
      return unavailable('The directory database is busy; retry shortly.', 1);
    if (typeof err.message === 'string' && UNAVAILABLE_MESSAGES.test(err.message)) return databaseDown();
    err = (err.previous ?? (err as { cause?: unknown }).cause) as typeof err;
  }
  return undefined;
}

/** Translates known constraint violations (by constraint name) to domain errors; others pass through. */
export function translateDbError(e: unknown): unknown {
  const down = asUnavailable(e);
  if (down) return down;
  const err = e as PgErrorLike;
  const code = err?.code ?? err?.previous?.code;
  const constraint = err?.constraint ?? err?.previous?.constraint;
  if (code === '23505' && constraint && UNIQUE_CONSTRAINTS[constraint])
    return UNIQUE_CONSTRAINTS[constraint]();
  if (code === '23514' && constraint === 'membership_not_self') {
    return new DomainError('MEMBERSHIP_CYCLE', 'A group cannot be a member of itself.');
  }
  // character_not_in_repertoire / untranslatable_character: a NUL (\u0000) in a text or jsonb
  // value. The statement failed, so nothing was written.
  if (code === '22021' || code === '22P05') {
    return new DomainError(
      'INVALID_INPUT',
      'A value contains the NUL character (\\u0000), which cannot be stored: remove it.',
    );
  }
  return e;
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
