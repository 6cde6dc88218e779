/** What a credential is for: a tenant's SCIM bearer token, or an API key for GraphQL. */
export type CredentialKind = 'SCIM_TOKEN' | 'API_KEY';

export const API_SCOPES = ['DIRECTORY_READ', 'DIRECTORY_WRITE', 'TENANT_ADMIN'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** A credential as shown to its owners: never the secret or its hash. */
export interface CredentialRecord {
  id: string;
  tenantId: string;
  kind: CredentialKind;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface IssuedCredential {
  credential: CredentialRecord;
  /** The secret, returned once at issue and never again. */
  secret: string;
}

/** A credential a presented secret was verified against, with its tenant's standing. */
export interface AuthenticatedCredential extends CredentialRecord {
  /** The operator suspended the tenant: the credential is valid but must be refused (403). */
  tenantSuspended: boolean;
}
