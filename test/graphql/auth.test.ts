import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ADMIN_TOKEN } from '../support/app';
import { codeOf, gqlTenant, useGqlApp } from './support';

const SECRET = 'jwt-test-secret-0123456789abcdefghijklmnop';
const ISSUER = 'https://login.checkproof.test';
const AUDIENCE = 'directory';

const { db, app, t } = useGqlApp({
  env: { JWT_HS256_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE },
});

const READ = `{ users(first: 1) { totalCount } }`;
const WRITE = `mutation { createUser(input: { userName: "w-__ID__@example.com" }) { id } }`;
const ADMIN = `{ provisioning { scimUrl tokens { id } } }`;
const OPERATOR = `{ tenants { id } }`;

async function jwt(
  claims: Record<string, unknown>,
  opts: { secret?: string; exp?: string | number; aud?: string; iss?: string } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-42')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

async function outcome(query: string, token: string | null): Promise<string> {
  const { body } = await app.graphql(query.replace('__ID__', randomUUID()), {}, token);
  return body.errors ? String(codeOf(body)) : 'OK';
}

describe('who may call what', () => {
  it('enforces the scope matrix for each credential', async () => {
    const matrix: Array<[string, string | null, string[]]> = [
      ['no token', null, ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']],
      [
        'wrong token',
        'not-a-token',
        ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED'],
      ],
      [
        'unknown API key',
        `cpd_key_${'x'.repeat(43)}`,
        ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED'],
      ],
      ['operator', ADMIN_TOKEN, ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK']],
      ['DIRECTORY_READ', t.keys.read, ['OK', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']],
      ['DIRECTORY_WRITE', t.keys.write, ['OK', 'OK', 'FORBIDDEN', 'FORBIDDEN']],
      ['TENANT_ADMIN', t.keys.admin, ['OK', 'FORBIDDEN', 'OK', 'FORBIDDEN']],
      [
        'SCIM token',
        t.scimToken,
        ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED'],
      ],
    ];
    for (const [who, token, expected] of matrix) {
      const got = [
        await outcome(READ, token),
        await outcome(WRITE, token),
        await outcome(ADMIN, token),
        await outcome(OPERATOR, token),
      ];
      expect({ who, got }).toEqual({ who, got: expected });
    }
    expect((await app.graphql(READ, {}, null)).status).toBe(401);
  });

  it('accepts a valid JWT with scopes from `scope` (string or array) and tells the caller who it is', async () => {
    const token = await jwt({ tid: t.tenantId, scope: 'openid DIRECTORY_READ' });
    expect(await outcome(READ, token)).toBe('OK');
    expect(await outcome(WRITE, token)).toBe('FORBIDDEN');
    const writer = await jwt({ tid: t.tenantId, scope: ['directory.write'] });
    expect(await outcome(WRITE, writer)).toBe('OK');
    const { body } = await app.graphql(`{ viewer { kind tenantId scopes subject } }`, {}, token);
    expect(body.data!.viewer).toEqual({
      kind: 'JWT',
      tenantId: t.tenantId,
      scopes: ['DIRECTORY_READ'],
      subject: 'user-42',
    });
  });

  it('rejects expired, mis-addressed, mis-signed and foreign-tenant JWTs as UNAUTHENTICATED', async () => {
    const cases: Record<string, string> = {
      expired: await jwt(
        { tid: t.tenantId, scope: 'DIRECTORY_READ' },
        { exp: Math.floor(Date.now() / 1000) - 3600 },
      ),
      'wrong audience': await jwt({ tid: t.tenantId, scope: 'DIRECTORY_READ' }, { aud: 'someone-else' }),
      'wrong issuer': await jwt({ tid: t.tenantId, scope: 'DIRECTORY_READ' }, { iss: 'https://evil.test' }),
      'wrong secret': await jwt(
        { tid: t.tenantId, scope: 'DIRECTORY_READ' },
        { secret: 'another-secret-0123456789abcdefghijkl' },
      ),
      'no tenant claim': await jwt({ scope: 'DIRECTORY_READ' }),
      'unknown tenant': await jwt({ tid: randomUUID(), scope: 'DIRECTORY_READ' }),
      'malformed tenant claim': await jwt({ tid: 'acme', scope: 'DIRECTORY_READ' }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const { body } = await app.graphql(READ, {}, token);
      expect({ name, code: codeOf(body) }).toEqual({ name, code: 'UNAUTHENTICATED' });
    }
    const { body } = await app.graphql(READ, {}, cases.expired);
    expect(body.errors?.[0]?.message).toMatch(/expired/);
  });
});

describe('API keys and SCIM tokens', () => {
  const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name scopes prefix createdAt } } }`;

  it('lets the operator and a TENANT_ADMIN key create keys, shown once, and revoke them', async () => {
    const other = await gqlTenant(app, db);
    const mine = await app.graphql(
      CREATE,
      { input: { name: 'svc', scopes: ['DIRECTORY_READ'] } },
      t.keys.admin,
    );
    const created = mine.body.data!.createApiKey;
    expect(created.secret).toMatch(/^cpd_key_/);
    expect(created.secret.startsWith(created.apiKey.prefix)).toBe(true);
    expect(await outcome(READ, created.secret)).toBe('OK');

    const cross = await app.graphql(
      CREATE,
      { input: { tenantId: other.tenantId, name: 'x', scopes: ['DIRECTORY_READ'] } },
      t.keys.admin,
    );
    expect(codeOf(cross.body)).toBe('FORBIDDEN');
    const noTenant = await app.graphql(CREATE, { input: { name: 'x', scopes: ['DIRECTORY_READ'] } });
    expect(codeOf(noTenant.body)).toBe('BAD_USER_INPUT');
    const unknown = await app.graphql(CREATE, {
      input: { tenantId: randomUUID(), name: 'x', scopes: ['DIRECTORY_READ'] },
    });
    expect(codeOf(unknown.body)).toBe('NOT_FOUND');
    const noScopes = await app.graphql(CREATE, { input: { name: 'x', scopes: [] } }, t.keys.admin);
    expect(codeOf(noScopes.body)).toBe('BAD_USER_INPUT');
    const badScope = await app.graphql(CREATE, { input: { name: 'x', scopes: ['ROOT'] } }, t.keys.admin);
    expect(codeOf(badScope.body)).toBe('BAD_USER_INPUT');

    const listed = await app.graphql(`{ apiKeys { id name scopes lastUsedAt } }`, {}, t.keys.admin);
    expect(listed.body.data!.apiKeys.map((k: { id: string }) => k.id)).toContain(created.apiKey.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);

    const revoked = await app.graphql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`,
      { id: created.apiKey.id },
      t.keys.admin,
    );
    expect(revoked.body.data!.revokeApiKey.revokedAt).toBeTruthy();
    expect(await outcome(READ, created.secret)).toBe('UNAUTHENTICATED');
    const foreign = await app.graphql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: created.apiKey.id },
      other.keys.admin,
    );
    expect(codeOf(foreign.body)).toBe('NOT_FOUND');
  });

  it('records lastUsedAt for keys', async () => {
    await outcome(READ, t.keys.read);
    for (let i = 0; i < 50; i++) {
      const { body } = await app.graphql(`{ apiKeys { scopes lastUsedAt } }`, {}, t.keys.admin);
      const key = body.data!.apiKeys.find((k: { scopes: string[] }) => k.scopes.join() === 'DIRECTORY_READ');
      if (key?.lastUsedAt) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('lastUsedAt was never recorded');
  });

  it('rotates the SCIM token without invalidating the old one, then revokes it', async () => {
    const rotated = await app.graphql(
      `mutation { rotateScimToken { scimToken token { id prefix } } }`,
      {},
      t.keys.admin,
    );
    const { scimToken, token } = rotated.body.data!.rotateScimToken;
    expect(scimToken.startsWith(token.prefix)).toBe(true);
    const before = await app.graphql(ADMIN, {}, t.keys.admin);
    expect(before.body.data!.provisioning.scimUrl).toBe(`http://directory.test/scim/v2/${t.tenantId}`);
    expect(before.body.data!.provisioning.tokens).toHaveLength(2);
    const scimStatus = async (secret: string) =>
      (
        await fetch(`${app.url}/scim/v2/${t.tenantId}/Users?count=1`, {
          headers: { authorization: `Bearer ${secret}` },
        })
      ).status;
    // Entra keeps using the old token until someone pastes the new one: both work meanwhile.
    expect([await scimStatus(t.scimToken), await scimStatus(scimToken)]).toEqual([200, 200]);
    const old = before.body.data!.provisioning.tokens.find((x: { id: string }) => x.id !== token.id);
    await app.graphql(`mutation($id: ID!) { revokeScimToken(id: $id) { id } }`, { id: old.id }, t.keys.admin);
    const after = await app.graphql(ADMIN, {}, t.keys.admin);
    expect(after.body.data!.provisioning.tokens).toEqual([{ id: token.id }]);
    expect(await scimStatus(scimToken)).toBe(200);
  });
});
