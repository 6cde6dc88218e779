import { Client } from 'pg';
import { useScimApp } from '../../support/use-app';

/**
 * A verified SCIM token is remembered for a few seconds so that Entra's requests skip the
 * credential lookup; revoking it must still take effect at once, in every process. Revocations are
 * announced with NOTIFY and each process LISTENs; while it cannot, it remembers nothing.
 */
let pg: Client;
const { db, app, scim } = useScimApp({ beforeClose: () => pg.end() });
beforeAll(async () => {
  pg = new Client({ connectionString: db.url });
  await pg.connect();
});

const listenerPid = async (): Promise<number | undefined> =>
  (
    await pg.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database()
       and application_name = 'checkproof-directory-listener' and query ilike 'listen%'`,
    )
  ).rows[0]?.pid;

async function waitForListener(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const pid = await listenerPid();
    if (pid) return pid;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the revocation listener did not connect');
}

/** Status of a SCIM read with `token`, and whether it looked the credential up in the database. */
async function read(token: string): Promise<{ status: number; lookedUp: boolean }> {
  db.queries.length = 0;
  const res = await fetch(`${scim.base}/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });
  await res.text();
  return { status: res.status, lookedUp: db.queries.some((q) => /from credential/.test(q)) };
}

async function adminKey(): Promise<string> {
  const res = await app.graphql(
    `mutation($t: ID) { createApiKey(input: { tenantId: $t, name: "admin", scopes: [TENANT_ADMIN] }) { secret } }`,
    { t: scim.tenantId },
  );
  return res.body.data!.createApiKey.secret as string;
}

describe('revoking a SCIM token', () => {
  let key: string;
  const issue = async () => {
    const res = await app.graphql(`mutation { rotateScimToken { scimToken token { id } } }`, {}, key);
    return {
      id: res.body.data!.rotateScimToken.token.id as string,
      secret: res.body.data!.rotateScimToken.scimToken as string,
    };
  };
  const revoke = (id: string) =>
    app.graphql(`mutation($id: ID!) { revokeScimToken(id: $id) { id } }`, { id }, key);
  beforeAll(async () => {
    key = await adminKey();
  });

  /** What another process's revokeScimToken does: the same update, announced on commit. */
  const revokeElsewhere = (id: string) =>
    pg.query(
      `with c as (update credential set revoked_at = now() where id = $1 returning id)
       select pg_notify('cpd_credential_revoked', c.id::text) from c`,
      [id],
    );
  const until401 = async (secret: string) => {
    for (let i = 0; i < 100; i++) {
      if ((await read(secret)).status === 401) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  };

  it('takes effect at once in the process that revoked it, though the token was served from memory', async () => {
    await waitForListener();
    const token = await issue();
    expect(await read(token.secret)).toEqual({ status: 200, lookedUp: true });
    // Remembered: no lookup on the next request (the control for the revocation below).
    expect(await read(token.secret)).toEqual({ status: 200, lookedUp: false });
    await revoke(token.id);
    expect((await read(token.secret)).status).toBe(401);
    // The tenant's other token is unaffected.
    expect((await read(scim.token)).status).toBe(200);
  });

  it('takes effect in this process when another process revokes it (the database announces it)', async () => {
    await waitForListener();
    const token = await issue();
    await read(token.secret);
    // Revoked in the database without the announcement: still served from memory (for now).
    await pg.query('update credential set revoked_at = now() where id = $1', [token.id]);
    expect(await read(token.secret)).toEqual({ status: 200, lookedUp: false });
    await pg.query(`select pg_notify('cpd_credential_revoked', $1)`, [token.id]);
    expect(await until401(token.secret)).toBe(true);
  });

  it('remembers nothing while the announcements cannot be received, and resumes once they can', async () => {
    const pid = await waitForListener();
    const token = await issue();
    await read(token.secret);
    await pg.query('select pg_terminate_backend($1)', [pid]);
    // Once the service notices the lost connection it stops remembering tokens…
    let r = await read(token.secret);
    for (let i = 0; i < 100 && !r.lookedUp; i++) {
      await new Promise((res) => setTimeout(res, 20));
      r = await read(token.secret);
    }
    expect(r).toEqual({ status: 200, lookedUp: true });
    // …and verifies every request against the database until the listener is back (1 s later).
    expect(await listenerPid()).toBeUndefined();
    expect(await read(token.secret)).toEqual({ status: 200, lookedUp: true });
    const again = await waitForListener();
    expect(again).not.toBe(pid);
    await read(token.secret);
    expect(await read(token.secret)).toEqual({ status: 200, lookedUp: false });
    await revokeElsewhere(token.id);
    expect(await until401(token.secret)).toBe(true);
  });
});
