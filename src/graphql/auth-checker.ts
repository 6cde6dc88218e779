import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import { principalOf, type GraphQLContext } from './context';

/** Roles used with @Authorized: the operator, or a tenant scope. */
export type Requirement = 'OPERATOR' | 'DIRECTORY_READ' | 'DIRECTORY_WRITE' | 'TENANT_ADMIN';

/**
 * Enforces @Authorized(requirements): any listed requirement suffices; @Authorized() with none
 * only needs valid credentials. Throws UNAUTHENTICATED without valid credentials and FORBIDDEN
 * when the credential lacks the scope.
 */
export const authChecker: AuthChecker<GraphQLContext, Requirement> = ({ context }, requirements) =>
  assertAuthorized(context, requirements);

/**
 * The check of @Authorized, for resolvers it does not wrap (a subscription's subscribe function):
 * true, or UNAUTHENTICATED / FORBIDDEN.
 */
export function assertAuthorized(context: GraphQLContext, requirements: readonly Requirement[]): true {
  const principal = principalOf(context);
  if (requirements.length === 0) return true;
  const ok = requirements.some((req) =>
    req === 'OPERATOR'
      ? principal.kind === 'operator'
      : principal.kind === 'operator'
        ? // Acting in a tenant (X-CheckProof-Tenant), the operator has every tenant scope.
          context.actingTenantId !== undefined
        : principal.scopes.includes(req) ||
          // Writing and administering imply reading.
          (req === 'DIRECTORY_READ' &&
            principal.scopes.some((s) => s === 'DIRECTORY_WRITE' || s === 'TENANT_ADMIN')),
  );
  if (!ok) {
    const hint =
      principal.kind === 'operator' && !requirements.includes('OPERATOR')
        ? ' The operator token manages tenants and issues API keys; use a tenant API key or JWT, or name the tenant in X-CheckProof-Tenant.'
        : '';
    throw new GraphQLError(`This operation needs ${requirements.join(' or ')}.${hint}`, {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  return true;
}
