import { assertNever, isDomainError, retryAfterOf, type DomainError } from '../domain/errors';
import { asUnavailable } from '../domain/sql';
import { FilterSyntaxError } from '../domain/query/filter/parser';
import { isScimError, ScimError } from './protocol/errors';

/** The SCIM error for a domain error (exhaustive: a new code must be mapped here). */
export function domainToScim(err: DomainError): ScimError {
  const { code, message } = err;
  switch (code) {
    case 'TENANT_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'GROUP_NOT_FOUND':
    case 'ROLE_NOT_FOUND':
    case 'CREDENTIAL_NOT_FOUND':
    case 'WEBHOOK_NOT_FOUND':
      return new ScimError(404, undefined, message);
    case 'USER_NAME_TAKEN':
    case 'GROUP_NAME_TAKEN':
    case 'TENANT_SLUG_TAKEN':
      return new ScimError(409, 'uniqueness', message);
    case 'INVALID_FILTER':
      return new ScimError(400, 'invalidFilter', message);
    case 'INVALID_CURSOR':
      return new ScimError(400, 'invalidCursor', message);
    case 'INVALID_INPUT':
    case 'INVALID_MEMBER':
    case 'INVALID_MANAGER':
    case 'MEMBERSHIP_CYCLE':
      return new ScimError(400, 'invalidValue', message);
    case 'VERSION_MISMATCH':
      return new ScimError(
        412,
        undefined,
        `${message} Read the resource again and retry with its current ETag.`,
      );
    case 'UNAUTHENTICATED':
    case 'SETUP_LINK_INVALID':
    case 'SETUP_LINK_USED':
    case 'SETUP_LINK_EXPIRED':
      // Console setup links are redeemed over GraphQL only; should one reach SCIM, it is a failed sign-in.
      return new ScimError(401, undefined, message);
    case 'FORBIDDEN':
      return new ScimError(403, undefined, message);
    case 'UNAVAILABLE':
      return new ScimError(503, undefined, message, retryAfterOf(err) ?? 5);
    case 'TOO_MANY_REQUESTS':
      return new ScimError(429, undefined, message, retryAfterOf(err) ?? 1);
    default:
      return assertNever(code);
  }
}

/** Any thrown value as a SCIM error, or undefined for unexpected failures (answered as 500). */
export function toScimError(err: unknown): ScimError | undefined {
  if (isScimError(err)) return err;
  if (isDomainError(err)) return domainToScim(err);
  // A database failure that escaped the domain's translation is still an outage, not a bug.
  const down = asUnavailable(err);
  if (down) return domainToScim(down);
  if (err instanceof FilterSyntaxError)
    return new ScimError(400, 'invalidFilter', `Invalid filter: ${err.message}`);
  return undefined;
}
