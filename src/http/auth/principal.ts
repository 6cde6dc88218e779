import type { ApiScope } from '../../domain/credentials/credential.types';

/** Who a GraphQL request acts as, after authentication. */
export type Principal =
  | {
      readonly kind: 'operator';
      /** Set when signed in to the console (cookie) rather than by ADMIN_TOKEN. */
      readonly sessionId?: string;
    }
  | {
      readonly kind: 'apiKey';
      readonly tenantId: string;
      readonly scopes: readonly ApiScope[];
      readonly credentialId: string;
      /** The key's name, recorded as the actor of the changes it makes. */
      readonly name?: string;
    }
  | {
      readonly kind: 'jwt';
      readonly tenantId: string;
      readonly scopes: readonly ApiScope[];
      readonly subject: string;
    }
  | {
      /** A console session from a setup link: every tenant scope, in its tenant only. */
      readonly kind: 'tenantAdmin';
      readonly tenantId: string;
      readonly scopes: readonly ApiScope[];
      readonly sessionId: string;
    };

/** A principal that belongs to one tenant (everything but the operator). */
export type TenantPrincipal = Exclude<Principal, { kind: 'operator' }>;

/**
 * Outcome of reading the Authorization header: no credentials, a principal, a rejection, or valid
 * credentials of a tenant the operator suspended (refused as FORBIDDEN, reason TENANT_SUSPENDED).
 */
export type AuthOutcome =
  | { readonly status: 'anonymous' }
  | { readonly status: 'authenticated'; readonly principal: Principal }
  | { readonly status: 'rejected'; readonly reason: string }
  | { readonly status: 'suspended'; readonly principal: TenantPrincipal };

/** The bearer token of an Authorization header, or undefined (empty tokens count as absent). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const token = match?.[1]?.trim();
  return token ? token : undefined;
}
