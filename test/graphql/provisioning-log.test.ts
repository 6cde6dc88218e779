import { gqlTenant } from './support';
import { useTestApp } from '../support/use-app';

const { db, app } = useTestApp();

const LOG = `query($p: Boolean!) { provisioningLog(first: 10, problemsOnly: $p) { method path status errorDetail warnings operations } }`;

describe('provisioningLog', () => {
  it('shows a tenant admin its SCIM requests, failures and warnings, with secrets removed', async () => {
    const t = await gqlTenant(app, db);
    const base = `${app.url}/scim/v2/${t.tenantId}`;
    const headers = { authorization: `Bearer ${t.scimToken}`, 'content-type': 'application/scim+json' };
    const ok = await fetch(`${base}/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ userName: 'a@x.test', password: 'Secr3t!' }),
    });
    expect(ok.status).toBe(201);
    const dup = await fetch(`${base}/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ userName: 'A@x.test' }),
    });
    expect(dup.status).toBe(409);

    let entries: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && entries.length < 2; i++) {
      const res = await app.graphql(LOG, { p: false }, t.keys.admin);
      expect(res.body.errors).toBeUndefined();
      entries = res.body.data!.provisioningLog;
      if (entries.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ['POST', '/Users', 409],
      ['POST', '/Users', 201],
    ]);
    expect(entries[0]!.errorDetail).toMatch(/userName/);
    expect(JSON.stringify(entries)).not.toContain('Secr3t!');

    const problems = await app.graphql(LOG, { p: true }, t.keys.admin);
    expect(problems.body.data!.provisioningLog.map((e: { status: number }) => e.status)).toEqual([409]);
  });

  it('is for tenant admins only and bounded', async () => {
    const t = await gqlTenant(app, db);
    const read = await app.graphql(LOG, { p: false }, t.keys.read);
    expect(read.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const big = await app.graphql(`{ provisioningLog(first: 501) { id } }`, {}, t.keys.admin);
    expect(big.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
