import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { assertNever, isDomainError, type DomainErrorCode } from '../domain/errors';

/** GraphQL error code for each domain code (exhaustive: a new code must be mapped here). */
export function graphqlCode(code: DomainErrorCode): string {
  switch (code) {
    case 'TENANT_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'GROUP_NOT_FOUND':
    case 'ROLE_NOT_FOUND':
    case 'CREDENTIAL_NOT_FOUND':
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
 * Whether an error reaching Apollo is ours to fix: not a domain error, not a client mistake
 * (coded GraphQL errors, or errors graphql-js raised about the request itself).
 */
export function isInternalError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (isDomainError(original)) return false;
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  if (typeof code === 'string' && PASS_THROUGH.has(code)) return false;
  return !(original instanceof GraphQLError && !original.originalError && code !== 'INTERNAL_SERVER_ERROR');
}

/**
 * Apollo formatError: domain errors become coded GraphQL errors; client errors pass through;
 * anything else is masked as INTERNAL_SERVER_ERROR (the error plugin logs it with the request id).
 */
export function createFormatError(opts: { exposeStack: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isDomainError(original)) {
      const code = graphqlCode(original.code);
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code, domainCode: original.code, ...original.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
      return { ...formatted, extensions: opts.exposeStack ? formatted.extensions : ext };
    }
    if (original instanceof GraphQLError && !original.originalError && code !== 'INTERNAL_SERVER_ERROR') {
      // Errors raised by graphql-js itself (e.g. variable coercion) are client mistakes.
      return { ...formatted, extensions: { code: code ?? 'BAD_USER_INPUT' } };
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
