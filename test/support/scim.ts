import { startTestApp, type TestApp } from './app';
import type { TestDatabase } from './db';
import { uniq } from './factories';

export interface ScimClient {
  base: string;
  token: string;
  tenantId: string;
  /** Sends a SCIM request; `body` objects are JSON-encoded. Returns status, headers and parsed body. */
  req(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

/** Creates a tenant through the operator API and returns a client holding its Provisioning URL and token. */
export async function scimTenant(app: TestApp): Promise<ScimClient> {
  const { body } = await app.graphql(
    `mutation($s: String!) { createTenant(input: { slug: $s, name: "T" }) { tenant { id } scimUrl scimToken } }`,
    { s: uniq('t') },
  );
  const out = body.data!.createTenant;
  const base = String(out.scimUrl).replace('http://directory.test', app.url);
  return {
    base,
    token: out.scimToken,
    tenantId: out.tenant.id,
    req: async (method, path, reqBody, headers = {}) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${out.scimToken}`,
          ...(reqBody !== undefined ? { 'content-type': 'application/scim+json' } : {}),
          ...headers,
        },
        body:
          reqBody === undefined ? undefined : typeof reqBody === 'string' ? reqBody : JSON.stringify(reqBody),
      });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
  };
}

export async function startScimApp(db: TestDatabase) {
  return startTestApp(db);
}
