import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  assertNever,
  isDomainError,
  retryAfterOf,
  type DomainError,
  type DomainErrorCode,
} from '../domain/errors';
import { asUnavailable } from '../domain/sql';

/** GraphQL error code for each domain code (exhaustive: a new code must be mapped here). */
export function graphqlCode(code: DomainErrorCode): string {
  switch (code) {
    case 'TENANT_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'GROUP_NOT_FOUND':
    case 'ROLE_NOT_FOUND':
    case 'CREDENTIAL_NOT_FOUND':
    case 'WEBHOOK_NOT_FOUND':
      return 'NOT_FOUND';
    case 'INVALID_INPUT':
    case 'INVALID_FILTER':
    case 'INVALID_CURSOR':
    case 'INVALID_MEMBER':
    case 'INVALID_MANAGER':
      return 'BAD_USER_INPUT';
    case 'TENANT_SLUG_TAKEN':
    case 'USER_NAME_TAKEN':
    case 'GROUP_NAME_TAKEN':
    case 'MEMBERSHIP_CYCLE':
    case 'VERSION_MISMATCH':
    case 'SETUP_LINK_INVALID':
    case 'SETUP_LINK_USED':
    case 'SETUP_LINK_EXPIRED':
      return code;
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'UNAVAILABLE':
    case 'TOO_MANY_REQUESTS':
      return code;
    default:
      return assertNever(code);
  }
}

const PASS_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'NOT_FOUND',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COMPLEX',
]);

/**
 * The domain error behind an error reaching Apollo: thrown by a resolver (wrapped with a path), or
 * by a plugin hook or the context function (wrapped without one). A database failure that escaped
 * the domain's translation (connection refused, timeouts, pool exhausted) counts as UNAVAILABLE.
 */
export function domainErrorOf(error: unknown): DomainError | undefined {
  let original = unwrapResolverError(error);
  if (original instanceof GraphQLError && original.originalError) original = original.originalError;
  if (isDomainError(original)) return original;
  return original instanceof GraphQLError ? undefined : asUnavailable(original);
}

/** HTTP status for a response carrying this GraphQL code, when it is not 200 (or Apollo's own 400). */
export function httpStatusOfCode(code: unknown): number | undefined {
  if (code === 'UNAVAILABLE') return 503;
  if (code === 'TOO_MANY_REQUESTS') return 429;
  return undefined;
}

/**
 * A domain error raised outside execution (the context function) as a GraphQL error Apollo answers
 * with the right HTTP status: 503/429 with Retry-After, 401, 403, else 400.
 */
export function domainHttpError(e: DomainError): GraphQLError {
  const code = graphqlCode(e.code);
  const status =
    httpStatusOfCode(code) ?? (code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : 400);
  const retryAfter = retryAfterOf(e);
  const headers = new Map<string, string>(
    retryAfter !== undefined && (status === 503 || status === 429)
      ? [['retry-after', String(Math.max(1, Math.ceil(retryAfter)))]]
      : [],
  );
  return new GraphQLError(e.message, { originalError: e, extensions: { code, http: { status, headers } } });
}

/**
 * Whether an error reaching Apollo is ours to fix: not a domain error, not a client mistake
 * (coded GraphQL errors, or errors graphql-js raised about the request itself).
 */
export function isInternalError(error: unknown): boolean {
  if (domainErrorOf(error)) return false;
  const original = unwrapResolverError(error);
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  if (typeof code === 'string' && PASS_THROUGH.has(code)) return false;
  return !(original instanceof GraphQLError && !original.originalError && code !== 'INTERNAL_SERVER_ERROR');
}

/** graphql-js's "Did you mean …?" hints name fields and types of the schema. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * Apollo formatError: domain errors become coded GraphQL errors; client errors pass through;
 * anything else is masked as INTERNAL_SERVER_ERROR (the error plugin logs it with the request id).
 * Only INTERNAL_SERVER_ERROR may carry a stack trace, and only with `exposeStack` (development):
 * client errors never do. With `hideSchemaDetails` (introspection off) no message suggests names
 * of the schema.
 */
export function createFormatError(opts: { exposeStack: boolean; hideSchemaDetails?: boolean }) {
  const clean = (message: string) => (opts.hideSchemaDetails ? message.replace(SUGGESTION, '') : message);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const domain = domainErrorOf(error);
    if (domain) {
      return {
        message: domain.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { ...domain.details, code: graphqlCode(domain.code), domainCode: domain.code },
      };
    }
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
      return { ...formatted, message: clean(formatted.message), extensions: ext };
    }
    if (original instanceof GraphQLError && !original.originalError && code !== 'INTERNAL_SERVER_ERROR') {
      // Errors raised by graphql-js itself (e.g. variable coercion) are client mistakes.
      return {
        ...formatted,
        message: clean(formatted.message),
        extensions: { code: code ?? 'BAD_USER_INPUT' },
      };
    }
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: opts.exposeStack
        ? { code: 'INTERNAL_SERVER_ERROR', stacktrace: formatted.extensions?.stacktrace }
        : { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
