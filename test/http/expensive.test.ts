import { Client } from 'pg';
import { useScimApp } from '../support/use-app';
import { gqlTenant, type GqlTenant } from '../graphql/support';

/**
 * Large SCIM pages and large GraphQL responses share a few slots for expensive work per process
 * (MAX_EXPENSIVE), so they cannot all hold the event loop at once: past the wait, 503 with
 * Retry-After. Small requests never wait for those slots.
 */
const { db, app, scim } = useScimApp({ env: { MAX_EXPENSIVE: '1', QUEUE_TIMEOUT_MS: '300' } });
let gql: GqlTenant;
beforeAll(async () => {
  gql = await gqlTenant(app, db);
});

const bigPage = `{ users(first: 500) { edges { node { id userName displayName active externalId title department
  division costCenter organization employeeNumber locale timezone nickName userType preferredLanguage } } } }`;

it('makes a large SCIM page wait for the slot a large GraphQL response holds, then answers 503', async () => {
  // The GraphQL page blocks on a lock on app_user while it holds the only slot.
  const locker = new Client({ connectionString: db.url });
  await locker.connect();
  await locker.query('begin');
  await locker.query('lock table app_user in access exclusive mode');
  let graphql: Promise<{ status: number }> | undefined;
  try {
    graphql = app.graphql(bigPage, {}, gql.keys.read);
    for (let i = 0; i < 200; i++) {
      const { rows } = await locker.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where relation = 'app_user'::regclass and not granted`,
      );
      if (rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const large = await scim.req('GET', '/Users?count=500');
    expect(large.status).toBe(503);
    expect(large.headers.get('retry-after')).toBe('1');
    expect(large.body).toMatchObject({ status: '503' });
    // A small page does not need the slot (it waits only for the lock, which is released below).
    const small = scim.req('GET', '/Users?count=10');
    await locker.query('rollback');
    expect((await small).status).toBe(200);
  } finally {
    await locker.end();
  }
  expect((await graphql!).status).toBe(200);
  // The slot is free again.
  expect((await scim.req('GET', '/Users?count=500')).status).toBe(200);
});
