import { changeGroup } from '../../src/domain/groups/group.service';
import type { DirectoryContext } from '../../src/domain/context';
import type { TestApp } from '../support/app';
import type { TestDatabase } from '../support/db';
import { tenantContext, uniq } from '../support/factories';
import { useTestApp, type TestAppOptions } from '../support/use-app';

export interface GqlTenant {
  tenantId: string;
  scimToken: string;
  /** API keys by scope; `all` holds every scope. */
  keys: { read: string; write: string; admin: string; all: string };
  /** A domain context in the tenant, to seed data quickly. */
  ctx: DirectoryContext;
}

/** Creates a tenant through GraphQL (operator) with one API key per scope. */
export async function gqlTenant(app: TestApp, db: TestDatabase): Promise<GqlTenant> {
  const created = await app.graphql(
    `mutation($slug: String!) { createTenant(input: { slug: $slug, name: "Test" }) { tenant { id } scimToken } }`,
    { slug: uniq('t') },
  );
  const tenantId = created.body.data!.createTenant.tenant.id as string;
  const key = async (scopes: string[]) => {
    const res = await app.graphql(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { tenantId, name: uniq('key'), scopes } },
    );
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    return res.body.data!.createApiKey.secret as string;
  };
  return {
    tenantId,
    scimToken: created.body.data!.createTenant.scimToken as string,
    keys: {
      read: await key(['DIRECTORY_READ']),
      write: await key(['DIRECTORY_WRITE']),
      admin: await key(['TENANT_ADMIN']),
      all: await key(['DIRECTORY_READ', 'DIRECTORY_WRITE', 'TENANT_ADMIN']),
    },
    ctx: tenantContext(db, tenantId),
  };
}

/** useTestApp with a gqlTenant `t`, made once the app runs. */
export function useGqlApp(options: Omit<TestAppOptions<GqlTenant>, 'tenant'> = {}) {
  const { db, app, tenant } = useTestApp({ ...options, tenant: gqlTenant });
  return { db, app, t: tenant };
}

/** Adds members (ids) to a group through the domain service. */
export function addMembers(ctx: DirectoryContext, groupId: string, ids: string[]) {
  return changeGroup(ctx, groupId, [{ kind: 'addMembers', members: ids.map((value) => ({ value })) }]);
}

/** The error code of the first GraphQL error, if any. */
export function codeOf(body: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown {
  return body.errors?.[0]?.extensions?.code;
}
