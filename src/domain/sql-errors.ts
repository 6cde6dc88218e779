import { DomainError, unavailable } from './errors';

/**
 * How database failures become domain errors: an unreachable, overloaded or slow database is
 * UNAVAILABLE (503 with Retry-After), and known constraint violations (by constraint name) are the
 * domain's own codes. query() and inTransaction() in sql.ts apply it to every statement.
 */

/** The database cannot be reached (or is known to be down). */
export const databaseDown = () => unavailable('The directory database is unreachable; retry shortly.', 5);

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
