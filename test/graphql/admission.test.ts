import { Client } from 'pg';
import { createTenantSlots } from '../../src/graphql/admission';
import { ADMIN_TOKEN } from '../support/app';
import { codeOf, gqlTenant, useGqlApp, type GqlTenant } from './support';

describe('tenant slots', () => {
  it('gives each key at most its share, and a release frees exactly one slot, once', () => {
    const slots = createTenantSlots(2);
    const a1 = slots.tryAcquire('a')!;
    const a2 = slots.tryAcquire('a')!;
    expect(slots.tryAcquire('a')).toBeUndefined();
    expect(slots.tryAcquire('b')).toBeDefined();
    a1();
    a1();
    expect(slots.inUse('a')).toBe(1);
    expect(slots.tryAcquire('a')).toBeDefined();
    expect(slots.tryAcquire('a')).toBeUndefined();
    a2();
    expect(slots.inUse('a')).toBe(1);
  });
});

describe('expensive GraphQL operations per tenant (GRAPHQL_TENANT_EXPENSIVE_CONCURRENCY)', () => {
  // Anything above a cost of 100 is expensive; one at a time per tenant.
  const env = { GRAPHQL_EXPENSIVE_COST: '100', GRAPHQL_TENANT_EXPENSIVE_CONCURRENCY: '1' };
  const { db, app, t: a } = useGqlApp({ env });
  let b: GqlTenant;
  beforeAll(async () => {
    b = await gqlTenant(app, db);
  });

  const expensiveUsers = `{ users(first: 500) { edges { node { id } } } }`; // 10 + 1 + 500 × 3
  const expensiveGroups = `{ groups(first: 500) { edges { node { id } } } }`;
  const cheap = `{ viewer { kind } }`;

  function post(query: string, token: string | null, signal?: AbortSignal) {
    return fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
      ...(signal ? { signal } : {}),
    });
  }

  /** Holds an exclusive lock on app_user from another session: user lists wait for it. */
  async function lockUsers() {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('begin');
    await client.query('lock table app_user in access exclusive mode');
    return {
      /** Resolves once `n` statements wait for the lock (the operations hold their slots by then). */
      waiters: async (n: number) => {
        for (let i = 0; i < 500; i++) {
          const { rows } = await client.query<{ n: number }>(
            `select count(*)::int as n from pg_locks where relation = 'app_user'::regclass and not granted`,
          );
          if (rows[0]!.n >= n) return;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('nothing waited for the lock');
      },
      release: async () => {
        await client.query('rollback');
        await client.end();
      },
    };
  }

  /** An expensive operation of `tenant` goes through: its slot is free. */
  async function slotIsFree(tenant: GqlTenant) {
    const res = await app.graphql(expensiveUsers, {}, tenant.keys.read);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  }

  it('refuses a second expensive operation of the same tenant with 429 and Retry-After, nobody else', async () => {
    const lock = await lockUsers();
    let first: Promise<Response> | undefined;
    try {
      first = post(expensiveUsers, a.keys.read);
      await lock.waiters(1);
      const second = await post(expensiveUsers, a.keys.read);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      const body = (await second.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0]!.extensions).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        retryAfterSeconds: 1,
      });
      // Cheap operations of the same tenant, and expensive ones of another tenant or the operator, go on.
      expect((await app.graphql(cheap, {}, a.keys.read)).body.errors).toBeUndefined();
      const other = await app.graphql(expensiveGroups, {}, b.keys.read);
      expect(other.status).toBe(200);
      expect(other.body.errors).toBeUndefined();
      const tenants = Array.from({ length: 10 }, (_, i) => `t${i}: tenants { id }`).join(' '); // 10 × 12
      const operator = await app.graphql(`{ ${tenants} }`, {}, ADMIN_TOKEN);
      expect(operator.body.errors).toBeUndefined();
    } finally {
      await lock.release();
    }
    expect((await first!).status).toBe(200);
    await slotIsFree(a);
  });

  it('gives the slot back on every way an operation can end', async () => {
    // A resolver error (first over 500 is BAD_USER_INPUT in the resolver, after admission).
    const bad = await app.graphql(`{ users(first: 600) { edges { node { id } } } }`, {}, a.keys.read);
    expect(codeOf(bad.body)).toBe('BAD_USER_INPUT');
    await slotIsFree(a);
    // A variable that does not coerce (an execution error before any resolver).
    const coerce = await app.graphql(
      `query($n: Int) { users(first: $n) { edges { node { id } } } }`,
      { n: 'many' },
      a.keys.read,
    );
    expect(coerce.status).toBe(400);
    await slotIsFree(a);
    // Over the cost limit (never admitted).
    const over = await app.graphql(
      `{ users(first: 500) { edges { node { groups(first: 500) { edges { node { id } } } } } } }`,
      {},
      a.keys.read,
    );
    expect(codeOf(over.body)).toBe('QUERY_TOO_COMPLEX');
    await slotIsFree(a);
    // Refused for lack of a slot (takes none), and the client going away while it waits.
    const lock = await lockUsers();
    const aborted = new AbortController();
    const gone = post(expensiveUsers, a.keys.read, aborted.signal).catch(() => undefined);
    try {
      await lock.waiters(1);
      expect((await post(expensiveUsers, a.keys.read)).status).toBe(429);
      aborted.abort();
      await gone;
    } finally {
      await lock.release();
    }
    // The aborted operation still finishes on the server; its slot comes back when it does.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await post(expensiveUsers, a.keys.read)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
    // Anonymous and rejected credentials count under their own key and give it back as well.
    for (let i = 0; i < 3; i++) {
      const anon = await app.graphql(expensiveUsers, {}, null);
      expect(codeOf(anon.body)).toBe('UNAUTHENTICATED');
    }
    await slotIsFree(a);
  });
});
