/** The closed set of domain error codes. Each transport maps every code (exhaustive switch). */
export const DOMAIN_ERROR_CODES = [
  'TENANT_NOT_FOUND',
  'TENANT_SLUG_TAKEN',
  'USER_NOT_FOUND',
  'USER_NAME_TAKEN',
  'GROUP_NOT_FOUND',
  'GROUP_NAME_TAKEN',
  'ROLE_NOT_FOUND',
  'CREDENTIAL_NOT_FOUND',
  'WEBHOOK_NOT_FOUND',
  'INVALID_MEMBER',
  'MEMBERSHIP_CYCLE',
  'INVALID_MANAGER',
  'INVALID_INPUT',
  'INVALID_FILTER',
  'INVALID_CURSOR',
  'VERSION_MISMATCH',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UNAVAILABLE',
  'TOO_MANY_REQUESTS',
  'SETUP_LINK_INVALID',
  'SETUP_LINK_USED',
  'SETUP_LINK_EXPIRED',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** A failure the caller can act on; message is safe to show to clients. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * The service cannot answer now but will soon (the database is unreachable or too slow, the
 * process is full): clients retry after `retryAfterSeconds` (SCIM and GraphQL send Retry-After).
 */
export function unavailable(message: string, retryAfterSeconds = 5): DomainError {
  return new DomainError('UNAVAILABLE', message, { retryAfterSeconds });
}

/** The caller (a tenant) is over its share; retry after `retryAfterSeconds`. */
export function tooManyRequests(message: string, retryAfterSeconds = 1): DomainError {
  return new DomainError('TOO_MANY_REQUESTS', message, { retryAfterSeconds });
}

/** Seconds a client should wait before retrying, for errors that carry it. */
export function retryAfterOf(e: DomainError): number | undefined {
  const v = e.details.retryAfterSeconds;
  return typeof v === 'number' ? v : undefined;
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** For exhaustive switches: a new code that is not mapped fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled value: ${String(value)}`);
}
