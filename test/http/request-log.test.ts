import { loadConfig } from '../../src/config';
import { buildApp } from '../../src/compose';
import { createLogger } from '../../src/http/logger';
import { closeServer, listen } from '../../src/http/server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ADMIN_TOKEN } from '../support/app';

/**
 * One JSON line per request: a 4xx says why, lines of a tenant's requests name the tenant, and
 * nothing secret is written.
 */
let db: TestDatabase;
const lines: Array<Record<string, unknown>> = [];
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    ADMIN_TOKEN,
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://directory.test',
  });
  const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const hooks: Array<() => Promise<void>> = [];
  const app = await buildApp({ config, log, orm: db.orm, shutdownHooks: hooks });
  const { server, port } = await listen(app as never, 0, '127.0.0.1');
  url = `http://127.0.0.1:${port}`;
  close = async () => {
    await closeServer(server, 1000);
    for (const hook of hooks) await hook();
  };
});
afterAll(async () => {
  await close();
  await db.drop();
});

const requestLine = (requestId: string) =>
  lines.find((l) => l.requestId === requestId && l.msg === 'request') as Record<string, unknown> | undefined;

async function tenant(): Promise<{ id: string; token: string }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({
      query: `mutation { createTenant(input: { slug: "log-${Date.now()}", name: "L" }) { tenant { id } scimToken } }`,
    }),
  });
  const body = (await res.json()) as {
    data: { createTenant: { tenant: { id: string }; scimToken: string } };
  };
  return { id: body.data.createTenant.tenant.id, token: body.data.createTenant.scimToken };
}

it('logs a SCIM 4xx with its tenant and reason, and never the token', async () => {
  const t = await tenant();
  const res = await fetch(`${url}/scim/v2/${t.id}/Users?filter=${encodeURIComponent('userName zz "x"')}`, {
    headers: { authorization: `Bearer ${t.token}`, 'x-request-id': 'log-scim-400' },
  });
  expect(res.status).toBe(400);
  const line = requestLine('log-scim-400');
  expect(line).toMatchObject({
    status: 400,
    method: 'GET',
    tenantId: t.id,
    reason: expect.stringMatching(/filter/i),
  });
  expect(JSON.stringify(lines)).not.toContain(t.token);
});

it('logs a GraphQL request refused for its credentials with the reason', async () => {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer not-a-token',
      'x-request-id': 'log-gql-401',
    },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  await res.text();
  const line = requestLine('log-gql-401');
  expect(line).toMatchObject({ path: '/graphql', reason: expect.stringMatching(/token/i) });
});

it('logs a GraphQL 400 with the first error message', async () => {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'x-request-id': 'log-gql-400',
    },
    body: JSON.stringify({ query: '{ nope' }),
  });
  expect(res.status).toBe(400);
  expect(requestLine('log-gql-400')).toMatchObject({
    status: 400,
    reason: expect.stringMatching(/Syntax Error/),
  });
});
