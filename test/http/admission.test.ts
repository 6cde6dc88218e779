import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { createServer, request, type Server } from 'node:http';
import { createAdmission, type AdmissionOptions, type ShedReason } from '../../src/http/admission';
import { retryAfterOf, tooManyRequests, unavailable } from '../../src/domain/errors';
import { domainToScim } from '../../src/scim/errors';

/**
 * Admission control bounds the work a process takes on: a fixed number of requests in progress,
 * fair turns per tenant, SCIM before GraphQL; beyond the limits 503/429 with Retry-After, and work
 * whose client has left while it waited is never started.
 */
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A server behind `createAdmission(opts)` whose requests run until the test releases them. */
async function harness(opts: Partial<AdmissionOptions>) {
  const shed: ShedReason[] = [];
  const started: string[] = [];
  const holds: Array<() => void> = [];
  const admission = createAdmission({
    maxInflight: 2,
    maxQueued: 4,
    queueTimeoutMs: 1000,
    tenantShare: 0.5,
    classify: (ctx) =>
      ctx.path.startsWith('/scim/')
        ? { priority: true, tenant: ctx.path.split('/')[3]! }
        : { priority: false },
    answer: (ctx, err) => {
      ctx.status = err.code === 'TOO_MANY_REQUESTS' ? 429 : 503;
      ctx.set('Retry-After', String(retryAfterOf(err)));
      ctx.body = { code: err.code };
    },
    onShed: (reason) => shed.push(reason),
    ...opts,
  });
  const app = new Koa();
  app.use(admission.middleware as Koa.Middleware);
  app.use(async (ctx) => {
    started.push(ctx.path);
    await new Promise<void>((resolve) => holds.push(resolve));
    ctx.body = 'done';
  });
  const server = createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    admission,
    shed,
    started,
    get: (path: string) => fetch(`${base}${path}`),
    raw: (path: string) => request(`${base}${path}`),
    /** Lets the oldest running request finish. */
    releaseOne: () => holds.shift()?.(),
    releaseAll: () => holds.splice(0).forEach((r) => r()),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 60));

it('queues past the in-flight limit, answers 503 with Retry-After past the queue, and serves the queued', async () => {
  const h = await harness({ maxQueued: 1, tenantShare: 1 });
  const running = [h.get('/scim/v2/a/Users'), h.get('/scim/v2/a/Users')];
  await settle();
  const queued = h.get('/scim/v2/a/Users');
  await settle();
  const refused = await h.get('/scim/v2/a/Users');
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(h.shed).toEqual(['full']);
  expect(h.admission.stats()).toMatchObject({ inflight: 2, queued: 1 });
  h.releaseAll();
  expect((await Promise.all(running)).map((r) => r.status)).toEqual([200, 200]);
  await settle();
  h.releaseAll();
  expect((await queued).status).toBe(200);
  expect(h.started).toHaveLength(3);
  expect(h.admission.stats()).toMatchObject({ inflight: 0, queued: 0, tenants: 0 });
});

it('answers 503 to a request that waited longer than the queue timeout', async () => {
  const h = await harness({ queueTimeoutMs: 200, tenantShare: 1 });
  const running = [h.get('/scim/v2/a/Users'), h.get('/scim/v2/b/Users')];
  await settle();
  const late = await h.get('/scim/v2/c/Users');
  expect(late.status).toBe(503);
  expect(h.shed).toEqual(['queue_timeout']);
  h.releaseAll();
  await Promise.all(running);
  expect(h.admission.stats()).toMatchObject({ inflight: 0, queued: 0, tenants: 0 });
});

it('never starts a queued request whose client has gone', async () => {
  const h = await harness({ tenantShare: 1 });
  const running = [h.get('/scim/v2/a/Users'), h.get('/scim/v2/a/Users')];
  await settle();
  const gone = h.raw('/scim/v2/a/Users');
  gone.on('error', () => undefined);
  gone.end();
  await settle();
  expect(h.admission.stats().queued).toBe(1);
  gone.destroy();
  await settle();
  expect(h.admission.stats().queued).toBe(0);
  h.releaseAll();
  await Promise.all(running);
  expect(h.started).toHaveLength(2);
});

it("holds a tenant to its share and lets another tenant's request through meanwhile", async () => {
  // maxInflight 2 × share 0.5: one request per tenant at a time; the rest of a tenant's wait.
  const h = await harness({});
  const a1 = h.get('/scim/v2/a/Users?1');
  await settle();
  const a2 = h.get('/scim/v2/a/Users?2');
  await settle();
  expect(h.started).toEqual(['/scim/v2/a/Users']); // a2 waits though a slot is free
  const b1 = h.get('/scim/v2/b/Users');
  await settle();
  expect(h.started).toEqual(['/scim/v2/a/Users', '/scim/v2/b/Users']);
  h.releaseOne(); // a1 finishes: a2 takes the tenant's turn
  expect((await a1).status).toBe(200);
  await settle();
  expect(h.started).toHaveLength(3);
  h.releaseAll();
  expect((await a2).status).toBe(200);
  expect((await b1).status).toBe(200);
  expect(h.shed).toEqual([]);
});

it('answers 429 with Retry-After when a tenant already has its share waiting too', async () => {
  // Per tenant: 1 running (2 × 0.5) and 6 waiting (three quarters of a queue of 8); the eighth is
  // refused at once, though the queue still has room for other tenants.
  const h = await harness({ maxQueued: 8 });
  const accepted = Array.from({ length: 7 }, () => h.get('/scim/v2/a/Users'));
  await settle();
  const refused = await h.get('/scim/v2/a/Users');
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(h.shed).toEqual(['tenant']);
  const other = h.get('/scim/v2/b/Users');
  await settle();
  expect(h.started).toEqual(['/scim/v2/a/Users', '/scim/v2/b/Users']);
  for (let i = 0; i < 8; i++) {
    h.releaseOne();
    await settle();
  }
  expect((await other).status).toBe(200);
  expect((await Promise.all(accepted)).map((r) => r.status)).toEqual(Array(7).fill(200));
});

it('serves tenants in turn: a burst from one does not delay another behind all of it', async () => {
  const h = await harness({ maxInflight: 1, tenantShare: 1, maxQueued: 20 });
  const first = h.get('/scim/v2/a/Users?0');
  await settle();
  const burst = [1, 2, 3].map((i) => h.get(`/scim/v2/a/Users?${i}`));
  await settle();
  const other = h.get('/scim/v2/b/Users');
  await settle();
  h.releaseOne(); // a0 done: the next turn is b's, not a1's
  await first;
  await settle();
  expect(h.started.slice(0, 2)).toEqual(['/scim/v2/a/Users', '/scim/v2/b/Users']);
  for (let i = 0; i < 4; i++) {
    h.releaseOne();
    await settle();
  }
  expect((await other).status).toBe(200);
  expect((await Promise.all(burst)).map((r) => r.status)).toEqual([200, 200, 200]);
});

it('lets GraphQL hold at most half the slots and admits waiting SCIM before waiting GraphQL', async () => {
  const h = await harness({ tenantShare: 1 });
  const g1 = h.get('/graphql?1');
  await settle();
  const g2 = h.get('/graphql?2'); // over GraphQL's half: waits though a slot is free
  await settle();
  const s1 = h.get('/scim/v2/t/Users'); // takes the free slot at once
  await settle();
  expect(h.started).toEqual(['/graphql', '/scim/v2/t/Users']);
  const s2 = h.get('/scim/v2/t/Groups'); // waits, but ahead of GraphQL
  await settle();
  h.releaseOne(); // g1 finishes
  await g1;
  await settle();
  expect(h.started).toEqual(['/graphql', '/scim/v2/t/Users', '/scim/v2/t/Groups']);
  h.releaseAll();
  await Promise.all([s1, s2]);
  await settle();
  h.releaseAll();
  expect((await g2).status).toBe(200);
  expect(h.started).toEqual(['/graphql', '/scim/v2/t/Users', '/scim/v2/t/Groups', '/graphql']);
});

it('maps the overload errors to SCIM 429/503 with Retry-After', () => {
  expect(domainToScim(tooManyRequests('busy', 2))).toMatchObject({ status: 429, retryAfterSeconds: 2 });
  expect(domainToScim(unavailable('down', 5))).toMatchObject({ status: 503, retryAfterSeconds: 5 });
});
