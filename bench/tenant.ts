import { scimUrl } from '../src/graphql/urls';
import { fastFetch } from './http-client';

/**
 * The bench sections' way into a running service: the operator (ADMIN_TOKEN) makes a tenant, its
 * SCIM Secret Token and API keys over GraphQL, as an operator would in production.
 */
export async function gql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await fastFetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export interface BenchTenant {
  tenantId: string;
  /** The tenant's SCIM base URL (…/scim/v2/<tenant>) and its Secret Token. */
  scimUrl: string;
  scimToken: string;
}

/** A new tenant with its first SCIM token. */
export async function createBenchTenant(
  url: string,
  adminToken: string,
  slug: string,
  name: string,
): Promise<BenchTenant> {
  const { createTenant } = await gql<{
    createTenant: { tenant: { id: string }; scimUrl: string; scimToken: string };
  }>(
    url,
    adminToken,
    `mutation($slug: String!, $name: String!) { createTenant(input: { slug: $slug, name: $name }) { tenant { id } scimUrl scimToken } }`,
    { slug, name },
  );
  return {
    tenantId: createTenant.tenant.id,
    scimUrl: createTenant.scimUrl,
    scimToken: createTenant.scimToken,
  };
}

/** An existing tenant with a further SCIM token (its earlier ones keep working). */
export async function existingBenchTenant(
  url: string,
  adminToken: string,
  tenantId: string,
): Promise<BenchTenant> {
  const { rotateScimToken } = await gql<{ rotateScimToken: { scimToken: string } }>(
    url,
    adminToken,
    `mutation($t: ID!) { rotateScimToken(tenantId: $t, name: "bench") { scimToken } }`,
    { t: tenantId },
  );
  return { tenantId, scimUrl: scimUrl(url, tenantId), scimToken: rotateScimToken.scimToken };
}

/** An API key of the tenant with the given scopes (GraphQL enum values, e.g. DIRECTORY_READ). */
export async function createBenchApiKey(
  url: string,
  adminToken: string,
  tenantId: string,
  name: string,
  scopes: string[],
): Promise<string> {
  const { createApiKey } = await gql<{ createApiKey: { secret: string } }>(
    url,
    adminToken,
    `mutation($t: ID!, $n: String!, $s: [ApiScope!]!) { createApiKey(input: { tenantId: $t, name: $n, scopes: $s }) { secret } }`,
    { t: tenantId, n: name, s: scopes },
  );
  return createApiKey.secret;
}
