import { randomUUID } from 'node:crypto';
import { query, sql } from '../../src/domain/sql';
import { ADMIN_TOKEN, startTestApp, type GqlBody, type TestApp } from '../support/app';
import { buildGroup, buildUser } from '../support/factories';
import { codeOf, gqlTenant, useGqlApp, type GqlTenant } from './support';

const { db, app, t } = useGqlApp();

const ORIGIN = 'http://directory.test'; // the test app's PUBLIC_URL
const CONSOLE = { origin: ORIGIN, 'content-type': 'application/json' };

interface Answer {
  status: number;
  body: GqlBody;
  cookies: string[];
}

/** POSTs an operation with exactly these headers (the console sends Origin and JSON, and its cookie). */
async function post(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = CONSOLE,
  body: string = JSON.stringify({ query, variables }),
  target: TestApp = app,
): Promise<Answer> {
  const res = await fetch(`${target.url}/graphql`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as GqlBody, cookies: res.headers.getSetCookie() };
}

/** The `cpd_session=…` pair of a Set-Cookie answer, to send back as a Cookie header. */
function sessionOf(answer: Answer): string {
  const set = answer.cookies.find((c) => c.startsWith('cpd_session='));
  if (!set) throw new Error(`no session cookie in ${JSON.stringify(answer)}`);
  return set.split(';')[0]!;
}

const asConsole = (cookie: string, extra: Record<string, string> = {}) => ({
  ...CONSOLE,
  cookie,
  ...extra,
});

async function operatorSession(): Promise<string> {
  return sessionOf(
    await post(`mutation($t: String!) { signIn(adminToken: $t) { kind } }`, { t: ADMIN_TOKEN }),
  );
}

async function setupLink(tenantId: string, hours?: number): Promise<string> {
  const { body } = await app.graphql(
    `mutation($id: ID!, $h: Int) { createSetupLink(tenantId: $id, expiresInHours: $h) { url expiresAt } }`,
    { id: tenantId, ...(hours === undefined ? {} : { h: hours }) },
  );
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return String(body.data!.createSetupLink.url).split('/').pop()!;
}

const REDEEM = `mutation($s: String!) { redeemSetupLink(secret: $s) { kind tenantId scopes } }`;

async function tenantSession(tenantId: string): Promise<string> {
  return sessionOf(await post(REDEEM, { s: await setupLink(tenantId) }));
}

const VIEWER = `{ viewer { kind tenantId scopes } }`;

async function sessionRow(cookie: string) {
  const rows = await query<Record<string, unknown>>(
    db.em(),
    sql`select * from console_session where token_hash = sha256(convert_to(${cookie.slice('cpd_session='.length)}, 'UTF8'))`,
  );
  return rows[0]!;
}

describe('signIn', () => {
  it('signs the operator in with ADMIN_TOKEN and sets an HttpOnly, SameSite=Lax cookie', async () => {
    const answer = await post(`mutation($t: String!) { signIn(adminToken: $t) { kind tenantId } }`, {
      t: ADMIN_TOKEN,
    });
    expect(answer.body).toEqual({ data: { signIn: { kind: 'OPERATOR', tenantId: null } } });
    const set = answer.cookies.find((c) => c.startsWith('cpd_session='))!;
    expect(set).toMatch(/^cpd_session=cpd_session_[\w-]{43};/);
    expect(set.toLowerCase()).toContain('; httponly');
    expect(set.toLowerCase()).toContain('; samesite=lax');
    expect(set.toLowerCase()).toContain('; path=/');
    expect(set.toLowerCase()).not.toContain('; secure');
    const cookie = sessionOf(answer);
    expect((await post(VIEWER, {}, asConsole(cookie))).body.data).toEqual({
      viewer: { kind: 'OPERATOR', tenantId: null, scopes: [] },
    });
    expect((await post(`{ tenants { id } }`, {}, asConsole(cookie))).body.errors).toBeUndefined();
    // Only the hash is stored, expiring 12 hours after sign-in.
    const row = await sessionRow(cookie);
    expect(row.kind).toBe('operator');
    const life = new Date(row.expires_at as string).getTime() - new Date(row.created_at as string).getTime();
    expect(life).toBe(12 * 3600 * 1000);
  });

  it("replaces the browser's previous session", async () => {
    const first = await operatorSession();
    const second = sessionOf(
      await post(
        `mutation($t: String!) { signIn(adminToken: $t) { kind } }`,
        { t: ADMIN_TOKEN },
        asConsole(first),
      ),
    );
    expect(second).not.toBe(first);
    expect((await sessionRow(first)).revoked_at).not.toBeNull();
    expect((await sessionRow(second)).revoked_at).toBeNull();
  });

  it('refuses a wrong token with UNAUTHENTICATED and sets no cookie', async () => {
    const answer = await post(`mutation { signIn(adminToken: "not-the-admin-token") { kind } }`);
    expect(codeOf(answer.body)).toBe('UNAUTHENTICATED');
    expect(answer.cookies).toEqual([]);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const https = await startTestApp(db, { PUBLIC_URL: 'https://console.example.com' });
    try {
      const answer = await post(
        `mutation($t: String!) { signIn(adminToken: $t) { kind } }`,
        { t: ADMIN_TOKEN },
        { origin: 'https://console.example.com', 'content-type': 'application/json' },
        undefined,
        https,
      );
      expect(answer.cookies.find((c) => c.startsWith('cpd_session='))!.toLowerCase()).toContain('; secure');
    } finally {
      await https.close();
    }
  });

  it('refuses to sign in from a page of another origin', async () => {
    const answer = await post(
      `mutation($t: String!) { signIn(adminToken: $t) { kind } }`,
      { t: ADMIN_TOKEN },
      { origin: 'https://evil.example', 'content-type': 'application/json' },
    );
    expect(codeOf(answer.body)).toBe('FORBIDDEN');
    expect(answer.cookies).toEqual([]);
  });
});

describe('sessions', () => {
  it('end after 30 minutes without use', async () => {
    const cookie = await operatorSession();
    await query(
      db.em(),
      sql`update console_session set last_seen_at = now() - interval '31 minutes' where id = ${(await sessionRow(cookie)).id as string}`,
    );
    const answer = await post(VIEWER, {}, asConsole(cookie));
    expect(codeOf(answer.body)).toBe('UNAUTHENTICATED');
    expect(answer.body.errors![0]!.message).toContain('sign in again');
  });

  it('end 12 hours after sign-in however much they are used', async () => {
    const cookie = await operatorSession();
    await query(
      db.em(),
      sql`update console_session set created_at = now() - interval '12 hours', expires_at = now() - interval '1 second' where id = ${(await sessionRow(cookie)).id as string}`,
    );
    expect(codeOf((await post(VIEWER, {}, asConsole(cookie))).body)).toBe('UNAUTHENTICATED');
  });

  it('record use at most once a minute', async () => {
    const cookie = await operatorSession();
    const id = (await sessionRow(cookie)).id as string;
    await query(
      db.em(),
      sql`update console_session set last_seen_at = now() - interval '20 seconds' where id = ${id}`,
    );
    const before = (await sessionRow(cookie)).last_seen_at as Date;
    await post(VIEWER, {}, asConsole(cookie));
    expect((await sessionRow(cookie)).last_seen_at).toEqual(before);
    await query(
      db.em(),
      sql`update console_session set last_seen_at = now() - interval '25 minutes' where id = ${id}`,
    );
    await post(VIEWER, {}, asConsole(cookie));
    const seen = new Date((await sessionRow(cookie)).last_seen_at as string).getTime();
    expect(Date.now() - seen).toBeLessThan(60_000);
    // Still alive: use kept it from going idle.
    expect((await post(VIEWER, {}, asConsole(cookie))).body.data?.viewer.kind).toBe('OPERATOR');
  });

  it('signOut revokes the session and clears the cookie', async () => {
    const cookie = await operatorSession();
    const out = await post(`mutation { signOut }`, {}, asConsole(cookie));
    expect(out.body).toEqual({ data: { signOut: true } });
    const cleared = out.cookies.find((c) => c.startsWith('cpd_session='))!;
    expect(cleared).toMatch(/^cpd_session=;/);
    expect(cleared.toLowerCase()).toContain('expires=thu, 01 jan 1970');
    expect((await sessionRow(cookie)).revoked_at).not.toBeNull();
    expect(codeOf((await post(VIEWER, {}, asConsole(cookie))).body)).toBe('UNAUTHENTICATED');
    // Again, with the dead cookie: nothing to revoke.
    expect((await post(`mutation { signOut }`, {}, asConsole(cookie))).body).toEqual({
      data: { signOut: false },
    });
  });

  it('an Authorization header wins over the cookie', async () => {
    const cookie = await operatorSession();
    const { body } = await post(
      VIEWER,
      {},
      { cookie, authorization: `Bearer ${t.keys.read}`, 'content-type': 'application/json' },
    );
    expect(body.data?.viewer).toEqual({ kind: 'API_KEY', tenantId: t.tenantId, scopes: ['DIRECTORY_READ'] });
  });

  it('a query over GET is not authenticated by the cookie', async () => {
    const cookie = await operatorSession();
    const res = await fetch(`${app.url}/graphql?query=${encodeURIComponent(VIEWER)}`, {
      headers: { cookie, origin: ORIGIN, accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(codeOf((await res.json()) as GqlBody)).toBe('UNAUTHENTICATED');
  });
});

describe('setup links', () => {
  it('are made by the operator only, for 1 to 168 hours (72 by default)', async () => {
    const { body } = await app.graphql(
      `mutation($id: ID!) { createSetupLink(tenantId: $id) { url expiresAt } }`,
      { id: t.tenantId },
    );
    const link = body.data!.createSetupLink;
    expect(link.url).toMatch(/^http:\/\/directory\.test\/console\/setup\/cpd_setup_[\w-]{43}$/);
    const hours = (new Date(link.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);
    for (const h of [0, 169, -1]) {
      const res = await app.graphql(
        `mutation($id: ID!, $h: Int!) { createSetupLink(tenantId: $id, expiresInHours: $h) { url } }`,
        { id: t.tenantId, h },
      );
      expect({ h, code: codeOf(res.body) }).toEqual({ h, code: 'BAD_USER_INPUT' });
    }
    await expect(setupLink(t.tenantId, 168)).resolves.toMatch(/^cpd_setup_/);
    const unknown = await app.graphql(`mutation { createSetupLink(tenantId: "${randomUUID()}") { url } }`);
    expect(codeOf(unknown.body)).toBe('NOT_FOUND');
    const byTenant = await app.graphql(
      `mutation($id: ID!) { createSetupLink(tenantId: $id) { url } }`,
      { id: t.tenantId },
      t.keys.all,
    );
    expect(codeOf(byTenant.body)).toBe('FORBIDDEN');
  });

  it("sign the tenant's administrator in once", async () => {
    const secret = await setupLink(t.tenantId);
    const first = await post(REDEEM, { s: secret });
    expect(first.body.data).toEqual({
      redeemSetupLink: {
        kind: 'TENANT_ADMIN',
        tenantId: t.tenantId,
        scopes: ['DIRECTORY_READ', 'DIRECTORY_WRITE', 'TENANT_ADMIN'],
      },
    });
    const cookie = sessionOf(first);
    expect((await post(VIEWER, {}, asConsole(cookie))).body.data?.viewer.kind).toBe('TENANT_ADMIN');
    const again = await post(REDEEM, { s: secret });
    expect(codeOf(again.body)).toBe('SETUP_LINK_USED');
    expect(again.body.errors![0]!.message).toContain('Ask your CheckProof operator for a new setup link.');
    expect(again.cookies).toEqual([]);
  });

  it('expire', async () => {
    const secret = await setupLink(t.tenantId, 1);
    await query(
      db.em(),
      sql`update setup_link set expires_at = now() - interval '1 second' where secret_hash = sha256(convert_to(${secret}, 'UTF8'))`,
    );
    const answer = await post(REDEEM, { s: secret });
    expect(codeOf(answer.body)).toBe('SETUP_LINK_EXPIRED');
    expect(answer.body.errors![0]!.message).toContain('Ask your CheckProof operator for a new setup link.');
    expect(answer.cookies).toEqual([]);
  });

  it('that do not exist are invalid', async () => {
    for (const s of ['cpd_setup_' + 'x'.repeat(43), 'nonsense', '']) {
      const answer = await post(REDEEM, { s });
      expect({ s, code: codeOf(answer.body) }).toEqual({ s, code: 'SETUP_LINK_INVALID' });
    }
  });

  it('are redeemed once even when two arrive at once', async () => {
    const secret = await setupLink(t.tenantId);
    const answers = await Promise.all([1, 2, 3].map(() => post(REDEEM, { s: secret })));
    expect(answers.filter((a) => !a.body.errors)).toHaveLength(1);
    expect(answers.filter((a) => codeOf(a.body) === 'SETUP_LINK_USED')).toHaveLength(2);
  });
});

describe('a tenant administrator session', () => {
  let other: GqlTenant;
  let cookie: string;
  beforeAll(async () => {
    other = await gqlTenant(app, db);
    cookie = await tenantSession(t.tenantId);
  });

  it('reads, writes and manages tokens in its tenant, and nothing of the operator', async () => {
    const as = asConsole(cookie);
    const created = await post(
      `mutation { createUser(input: { userName: "console-admin@example.com" }) { id } }`,
      {},
      as,
    );
    expect(created.body.errors).toBeUndefined();
    expect((await post(`{ users(first: 1) { totalCount } }`, {}, as)).body.errors).toBeUndefined();
    expect((await post(`{ provisioning { scimUrl } }`, {}, as)).body.errors).toBeUndefined();
    expect((await post(`mutation { rotateScimToken { scimToken } }`, {}, as)).body.errors).toBeUndefined();
    const key = await post(
      `mutation { createApiKey(input: { name: "from console", scopes: [DIRECTORY_READ] }) { apiKey { id } } }`,
      {},
      as,
    );
    expect(key.body.errors).toBeUndefined();
    expect(codeOf((await post(`{ tenants { id } }`, {}, as)).body)).toBe('FORBIDDEN');
    expect(
      codeOf(
        (await post(`mutation { createTenant(input: { slug: "nope", name: "x" }) { scimUrl } }`, {}, as))
          .body,
      ),
    ).toBe('FORBIDDEN');
    const link = await post(
      `mutation($id: ID!) { createSetupLink(tenantId: $id) { url } }`,
      { id: other.tenantId },
      as,
    );
    expect(codeOf(link.body)).toBe('FORBIDDEN');
    const foreignKey = await post(
      `mutation($id: ID!) { createApiKey(input: { tenantId: $id, name: "x", scopes: [DIRECTORY_READ] }) { secret } }`,
      { id: other.tenantId },
      as,
    );
    expect(codeOf(foreignKey.body)).toBe('FORBIDDEN');
  });

  it('may name its own tenant in X-CheckProof-Tenant, and no other', async () => {
    const own = await post(VIEWER, {}, asConsole(cookie, { 'x-checkproof-tenant': t.tenantId }));
    expect(own.body.data?.viewer.tenantId).toBe(t.tenantId);
    for (const id of [other.tenantId, randomUUID(), 'junk']) {
      const res = await post(
        `{ users(first: 5) { totalCount } }`,
        {},
        asConsole(cookie, { 'x-checkproof-tenant': id }),
      );
      expect({ id, status: res.status, code: codeOf(res.body) }).toEqual({
        id,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
  });

  it('finds nothing of another tenant by its ids and changes nothing there', async () => {
    const foreignUser = await buildUser(other.ctx, { userName: 'foreign@example.com' });
    const foreignGroup = await buildGroup(other.ctx, { displayName: 'Foreign' });
    const ownGroup = await buildGroup(t.ctx, { displayName: 'Own' });
    const as = asConsole(cookie);
    const read = await post(
      `query($u: ID!, $g: ID!) { user(id: $u) { id } group(id: $g) { id } }`,
      { u: foreignUser.id, g: foreignGroup.id },
      as,
    );
    expect(read.body).toEqual({ data: { user: null, group: null } });
    const writes: Array<[string, Record<string, unknown>]> = [
      [
        `mutation($u: ID!) { updateUser(id: $u, input: { displayName: "hacked" }) { id } }`,
        { u: foreignUser.id },
      ],
      [`mutation($u: ID!) { deleteUser(id: $u) { id } }`, { u: foreignUser.id }],
      [`mutation($g: ID!) { deleteGroup(id: $g) { id } }`, { g: foreignGroup.id }],
      [
        `mutation($g: ID!, $u: ID!) { addGroupMembers(groupId: $g, memberIds: [$u]) { id } }`,
        { g: ownGroup.id, u: foreignUser.id },
      ],
    ];
    for (const [op, vars] of writes) {
      const res = await post(op, vars, as);
      expect({ op, code: codeOf(res.body) }).toEqual({
        op,
        code: expect.stringMatching(/NOT_FOUND|BAD_USER_INPUT/),
      });
    }
    const still = await app.graphql(
      `query($u: ID!, $g: ID!) { user(id: $u) { displayName } group(id: $g) { id } }`,
      { u: foreignUser.id, g: foreignGroup.id },
      other.keys.read,
    );
    expect(still.body.data).toEqual({ user: { displayName: null }, group: { id: foreignGroup.id } });
  });
});

describe('CSRF', () => {
  const CREATE = (name: string) => `mutation { createUser(input: { userName: "${name}" }) { id } }`;
  const exists = async (userName: string) =>
    (
      await query(
        db.em(),
        sql`select 1 from app_user where tenant_id = ${t.tenantId} and user_name = ${userName}`,
      )
    ).length > 0;

  it('refuses a cookie request from another origin, without Origin, or with a simple content type', async () => {
    const cookie = await tenantSession(t.tenantId);
    const cases: Array<[string, Record<string, string>, (q: string) => string]> = [
      [
        'wrong Origin',
        { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
        (q) => JSON.stringify({ query: q }),
      ],
      ['no Origin', { cookie, 'content-type': 'application/json' }, (q) => JSON.stringify({ query: q })],
      [
        'text/plain',
        { cookie, origin: ORIGIN, 'content-type': 'text/plain' },
        (q) => JSON.stringify({ query: q }),
      ],
      [
        'form',
        { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        (q) => `query=${encodeURIComponent(q)}`,
      ],
      [
        'multipart',
        { cookie, origin: ORIGIN, 'content-type': 'multipart/form-data; boundary=x' },
        (q) => `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${q}\r\n--x--\r\n`,
      ],
      [
        'null Origin',
        { cookie, origin: 'null', 'content-type': 'application/json' },
        (q) => JSON.stringify({ query: q }),
      ],
    ];
    for (const [name, headers, body] of cases) {
      const userName = `csrf-${name.replace(/\W/g, '')}@example.com`;
      const res = await post(CREATE(userName), {}, headers, body(CREATE(userName)));
      expect({ name, status: res.status, code: codeOf(res.body) }).toEqual({
        name,
        status: 403,
        code: 'FORBIDDEN',
      });
      expect(await exists(userName)).toBe(false);
    }
    const ok = await post(CREATE('csrf-ok@example.com'), {}, asConsole(cookie));
    expect(ok.body.errors).toBeUndefined();
    expect(await exists('csrf-ok@example.com')).toBe(true);
  });

  it('does not apply to bearer credentials', async () => {
    const res = await post(
      VIEWER,
      {},
      { authorization: `Bearer ${t.keys.read}`, 'content-type': 'application/json' },
    );
    expect(res.body.data?.viewer.kind).toBe('API_KEY');
  });
});

describe('the operator in a tenant (X-CheckProof-Tenant)', () => {
  const bearer = (tenant?: string) => ({
    authorization: `Bearer ${ADMIN_TOKEN}`,
    'content-type': 'application/json',
    ...(tenant ? { 'x-checkproof-tenant': tenant } : {}),
  });

  it('runs tenant-scoped fields in the named tenant with every right', async () => {
    const created = await post(
      `mutation { createUser(input: { userName: "by-operator@example.com" }) { id } }`,
      {},
      bearer(t.tenantId),
    );
    expect(created.body.errors).toBeUndefined();
    const users = await post(
      `{ users(filter: { userName: { equals: "by-operator@example.com" } }) { totalCount } }`,
      {},
      bearer(t.tenantId),
    );
    expect(users.body.data).toEqual({ users: { totalCount: 1 } });
    expect(
      (await post(`mutation { rotateScimToken { scimToken } }`, {}, bearer(t.tenantId))).body.errors,
    ).toBeUndefined();
    expect(
      (await post(`{ provisioning { scimUrl } }`, {}, bearer(t.tenantId))).body.data?.provisioning.scimUrl,
    ).toContain(t.tenantId);
    const key = await post(
      `mutation { createApiKey(input: { name: "acting", scopes: [DIRECTORY_READ] }) { secret } }`,
      {},
      bearer(t.tenantId),
    );
    const viewer = await app.graphql(VIEWER, {}, key.body.data!.createApiKey.secret);
    expect(viewer.body.data?.viewer.tenantId).toBe(t.tenantId);
    // Operator fields still work; without the header tenant fields do not.
    expect((await post(`{ tenants { id } }`, {}, bearer(t.tenantId))).body.errors).toBeUndefined();
    expect(codeOf((await post(`{ users { totalCount } }`, {}, bearer())).body)).toBe('FORBIDDEN');
  });

  it('works from an operator console session too', async () => {
    const cookie = await operatorSession();
    const res = await post(
      `{ users { totalCount } }`,
      {},
      asConsole(cookie, { 'x-checkproof-tenant': t.tenantId }),
    );
    expect(res.body.errors).toBeUndefined();
  });

  it('answers NOT_FOUND for a tenant that does not exist', async () => {
    for (const id of [randomUUID(), 'junk']) {
      const res = await post(`{ users { totalCount } }`, {}, bearer(id));
      expect({ id, code: codeOf(res.body) }).toEqual({ id, code: 'NOT_FOUND' });
    }
  });
});
