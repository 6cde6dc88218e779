import { query, sql } from '../../src/domain/sql';
import { useTestApp } from '../support/use-app';

const { db, app } = useTestApp();

const CREATE = `mutation($slug: String!) { createTenant(input: { slug: $slug, name: "Acme Corp" }) { tenant { id slug name } scimUrl scimToken } }`;

describe('HTTP shell and operator bootstrap', () => {
  it('answers /healthz and /readyz with a request id', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('creates a tenant with a SCIM URL and a token stored only as a hash', async () => {
    const { body } = await app.graphql(CREATE, { slug: 'acme' });
    expect(body.errors).toBeUndefined();
    const out = body.data!.createTenant;
    expect(out.tenant).toMatchObject({ slug: 'acme', name: 'Acme Corp' });
    expect(out.scimUrl).toBe(`http://directory.test/scim/v2/${out.tenant.id}`);
    expect(out.scimToken).toMatch(/^cpd_scim_[\w-]{40,}$/);
    const stored = await query<{ secret_hash: string; prefix: string }>(
      db.em(),
      sql`select secret_hash, prefix from credential where tenant_id = ${out.tenant.id}`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secret_hash).not.toContain(out.scimToken);
    expect(out.scimToken.startsWith(stored[0]!.prefix)).toBe(true);
    const list = await app.graphql(`{ tenants { id slug name } }`);
    expect(list.body.data!.tenants).toContainEqual(out.tenant);
  });

  it('answers TENANT_SLUG_TAKEN for a duplicate slug', async () => {
    await app.graphql(CREATE, { slug: 'dup-co' });
    const { body } = await app.graphql(CREATE, { slug: 'dup-co' });
    expect(body.errors?.[0]?.extensions?.code).toBe('TENANT_SLUG_TAKEN');
    expect(body.data).toBeNull();
  });

  it('answers UNAUTHENTICATED without a token or with a wrong one, and creates nothing', async () => {
    for (const token of [null, 'wrong-token', '']) {
      const { body } = await app.graphql(CREATE, { slug: 'nope' }, token);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const rows = await query(db.em(), sql`select 1 from tenant where slug = 'nope'`);
    expect(rows).toHaveLength(0);
  });

  it('rejects a malformed slug and malformed JSON as client errors', async () => {
    const { body } = await app.graphql(CREATE, { slug: 'Not A Slug!' });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer x` },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
  });
});
