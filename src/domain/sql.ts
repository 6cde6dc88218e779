import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from './errors';

/**
 * Runs one SQL statement on the context's EntityManager (inside its transaction, if any).
 * Placeholders are `?` (knex raw), so SQL text must not contain a literal `?`.
 */
export async function query<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  try {
    return (await em.execute(sql, params as unknown[], 'all')) as T[];
  } catch (e) {
    throw translateDbError(e);
  }
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

/** Translates known constraint violations (by constraint name) to domain errors; others pass through. */
export function translateDbError(e: unknown): unknown {
  const err = e as PgErrorLike;
  const code = err?.code ?? err?.previous?.code;
  const constraint = err?.constraint ?? err?.previous?.constraint;
  if (code === '23505' && constraint && UNIQUE_CONSTRAINTS[constraint])
    return UNIQUE_CONSTRAINTS[constraint]();
  if (code === '23514' && constraint === 'membership_not_self') {
    return new DomainError('MEMBERSHIP_CYCLE', 'A group cannot be a member of itself.');
  }
  return e;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot exist, so callers answer "not found" without a query. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Encodes a list as a PostgreSQL array literal (`{"a","b"}`), to bind with `?::text[]` / `?::uuid[]`.
 * MikroORM formats raw queries with knex semantics, which would expand a JS array into `?, ?, …`.
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
  const em = ctx.em.fork();
  const connection = em.getConnection('write');
  const trx = await connection.begin();
  em.setTransactionContext(trx);
  try {
    const result = await work({ ...ctx, em });
    await connection.commit(trx);
    return result;
  } catch (err) {
    await connection.rollback(trx);
    throw translateDbError(err);
  } finally {
    em.resetTransactionContext();
  }
}
