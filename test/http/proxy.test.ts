import type { Server } from 'node:http';
import { loadConfig } from '../../src/config';
import { buildApp } from '../../src/compose';
import { createLogger } from '../../src/http/logger';
import { closeServer, listen } from '../../src/http/server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ADMIN_TOKEN } from '../support/app';

/**
 * Behind a reverse proxy: URLs the service hands out come from PUBLIC_URL whatever X-Forwarded-*
 * says, and the client address of a refused request is the proxy's X-Forwarded-For entry only
 * with TRUST_PROXY=true (the last entry: the one the nearest proxy appended).
 */
const PUBLIC_URL = 'https://directory.example.com';
let db: TestDatabase;
const lines: Array<Record<string, unknown>> = [];
const closers: Array<() => Promise<void>> = [];

async function start(env: Record<string, string>): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', ADMIN_TOKEN, LOG_LEVEL: 'info', PUBLIC_URL, ...env });
  const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const hooks: Array<() => Promise<void>> = [];
  const app = await buildApp({ config, log, orm: db.orm, shutdownHooks: hooks });
  const { server, port } = await listen(app as never, 0, '127.0.0.1');
  closers.push(async () => {
    await closeServer(server as Server, 1000);
    for (const hook of hooks) await hook();
  });
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const close of closers) await close();
  await db.drop();
});

const FORWARDED = {
  'x-forwarded-for': '203.0.113.9, 198.51.100.7',
  'x-forwarded-proto': 'http',
  'x-forwarded-host': 'attacker.example',
  host: 'attacker.example',
};

async function refusedIp(url: string, requestId: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer not-a-token',
      'x-request-id': requestId,
      ...FORWARDED,
    },
    body: JSON.stringify({ query: '{ tenants { slug } }' }),
  });
  expect(res.status).toBe(401);
  return lines.find((l) => l.requestId === requestId && l.msg === 'request')?.ip;
}

it('logs the socket address of a refused request and ignores X-Forwarded-For by default', async () => {
  const url = await start({});
  expect(await refusedIp(url, 'proxy-off-401')).toBe('127.0.0.1');
});

it('with TRUST_PROXY=true, logs the address the nearest proxy appended', async () => {
  const url = await start({ TRUST_PROXY: 'true' });
  expect(await refusedIp(url, 'proxy-on-401')).toBe('198.51.100.7');
});

it('builds the Provisioning URL, Location and meta.location from PUBLIC_URL, never from forwarded headers', async () => {
  const url = await start({ TRUST_PROXY: 'true' });
  const created = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...FORWARDED },
    body: JSON.stringify({
      query: `mutation { createTenant(input: { slug: "proxy-${Date.now()}", name: "P" }) { tenant { id } scimUrl scimToken } }`,
    }),
  });
  const body = (await created.json()) as {
    data: { createTenant: { tenant: { id: string }; scimUrl: string; scimToken: string } };
  };
  const { tenant, scimUrl, scimToken } = body.data.createTenant;
  expect(scimUrl).toBe(`${PUBLIC_URL}/scim/v2/${tenant.id}`);

  const res = await fetch(`${url}/scim/v2/${tenant.id}/Users`, {
    method: 'POST',
    headers: { 'content-type': 'application/scim+json', authorization: `Bearer ${scimToken}`, ...FORWARDED },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada@example.com',
    }),
  });
  expect(res.status).toBe(201);
  const user = (await res.json()) as { id: string; meta: { location: string } };
  expect(user.meta.location).toBe(`${scimUrl}/Users/${user.id}`);
  expect(res.headers.get('location')).toBe(user.meta.location);
});
