import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { createServer, request, type Server } from 'node:http';
import { createAdmission, type ShedReason } from '../../src/http/admission';
import { retryAfterOf, tooManyRequests, unavailable, type DomainError } from '../../src/domain/errors';
import { domainToScim } from '../../src/scim/errors';

/**
 * Admission control bounds the work a process takes on: a fixed number of requests in progress,
 * a short queue, a share per tenant; beyond them 503/429 with Retry-After at once, and work whose
 * client has left while it waited is never started.
 */
let server: Server;
let url: string;
let started = 0;
const shed: ShedReason[] = [];
const releases: Array<() => void> = [];
const admission = createAdmission({
  maxInflight: 2,
  maxQueued: 1,
  queueTimeoutMs: 300,
  tenantShare: 0.5,
  answer: (ctx, err: DomainError) => {
    ctx.status = err.code === 'TOO_MANY_REQUESTS' ? 429 : 503;
    ctx.set('Retry-After', String(retryAfterOf(err)));
    ctx.body = { code: err.code };
  },
  onShed: (reason) => shed.push(reason),
});

beforeAll(async () => {
  const app = new Koa();
  app.use(admission.middleware as Koa.Middleware);
  app.use(async (ctx) => {
    started++;
    // Holds the request until the test lets it go.
    if (ctx.path === '/hold') await new Promise<void>((resolve) => releases.push(resolve));
    if (ctx.path === '/tenant') {
      let leave: () => void;
      try {
        leave = admission.enterTenant('t1');
      } catch (err) {
        // What the SCIM router's error mapping does with it (domainToScim): 429 + Retry-After.
        const e = err as DomainError;
        ctx.status = e.code === 'TOO_MANY_REQUESTS' ? 429 : 500;
        ctx.set('Retry-After', String(retryAfterOf(e)));
        return;
      }
      try {
        await new Promise<void>((resolve) => releases.push(resolve));
      } finally {
        leave();
      }
    }
    ctx.body = 'done';
  });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  shed.length = 0;
  started = 0;
});

const settle = () => new Promise((r) => setTimeout(r, 50));
const releaseAll = () => releases.splice(0).forEach((r) => r());

it('queues past the in-flight limit, answers 503 with Retry-After past the queue, and serves the queued one', async () => {
  const a = fetch(`${url}/hold`);
  const b = fetch(`${url}/hold`);
  await settle();
  const queued = fetch(`${url}/hold`);
  await settle();
  const refused = await fetch(`${url}/hold`);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(shed).toEqual(['full']);
  expect(admission.stats()).toMatchObject({ inflight: 2, queued: 1 });
  releaseAll();
  expect((await a).status).toBe(200);
  expect((await b).status).toBe(200);
  await settle();
  releaseAll();
  expect((await queued).status).toBe(200);
  expect(started).toBe(3);
  expect(admission.stats()).toMatchObject({ inflight: 0, queued: 0 });
});

it('answers 503 to a request that waited longer than the queue timeout', async () => {
  const a = fetch(`${url}/hold`);
  const b = fetch(`${url}/hold`);
  await settle();
  const late = await fetch(`${url}/hold`);
  expect(late.status).toBe(503);
  expect(shed).toEqual(['queue_timeout']);
  releaseAll();
  await Promise.all([a, b]);
  expect(admission.stats()).toMatchObject({ inflight: 0, queued: 0 });
});

it('never starts a queued request whose client has gone', async () => {
  const a = fetch(`${url}/hold`);
  const b = fetch(`${url}/hold`);
  await settle();
  // A raw request we abandon while it waits in the queue.
  const gone = request(`${url}/hold`);
  gone.on('error', () => undefined);
  gone.end();
  await settle();
  expect(admission.stats().queued).toBe(1);
  gone.destroy();
  await settle();
  expect(admission.stats().queued).toBe(0);
  releaseAll();
  await Promise.all([a, b]);
  expect(started).toBe(2);
  expect(admission.stats()).toMatchObject({ inflight: 0, queued: 0 });
});

it('answers 429 to a tenant already holding its share, leaving room for other work', async () => {
  // maxInflight 2 × share 0.5: one request per tenant at a time.
  const first = fetch(`${url}/tenant`);
  await settle();
  const second = await fetch(`${url}/tenant`);
  expect(second.status).toBe(429);
  expect(second.headers.get('retry-after')).toBe('1');
  expect(shed).toEqual(['tenant']);
  releaseAll();
  expect((await first).status).toBe(200);
  // The slot was given back: the tenant may proceed again.
  const third = fetch(`${url}/tenant`);
  await settle();
  releaseAll();
  expect((await third).status).toBe(200);
});

it('maps the overload errors to SCIM 429/503 with Retry-After', () => {
  expect(domainToScim(tooManyRequests('busy', 2))).toMatchObject({ status: 429, retryAfterSeconds: 2 });
  expect(domainToScim(unavailable('down', 5))).toMatchObject({ status: 503, retryAfterSeconds: 5 });
});

describe('priority', () => {
  let prioritised: Server;
  let base: string;
  const held: Array<() => void> = [];
  const order: string[] = [];
  const gate = createAdmission({
    maxInflight: 2,
    maxQueued: 10,
    queueTimeoutMs: 2000,
    tenantShare: 1,
    isPriority: (ctx) => ctx.path.startsWith('/scim/'),
    answer: (ctx) => {
      ctx.status = 503;
    },
  });
  beforeAll(async () => {
    const app = new Koa();
    app.use(gate.middleware as Koa.Middleware);
    app.use(async (ctx) => {
      order.push(ctx.path);
      await new Promise<void>((resolve) => held.push(resolve));
      ctx.body = 'done';
    });
    prioritised = createServer(app.callback());
    await new Promise<void>((resolve) => prioritised.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(prioritised.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    prioritised.closeAllConnections();
    await new Promise((resolve) => prioritised.close(resolve));
  });

  it('lets GraphQL hold at most half the slots and admits queued SCIM before queued GraphQL', async () => {
    const first = fetch(`${base}/graphql?1`);
    await settle();
    const second = fetch(`${base}/graphql?2`); // over GraphQL's half: waits though a slot is free
    await settle();
    const scimA = fetch(`${base}/scim/v2/t/Users`); // takes the free slot at once
    await settle();
    expect(order).toEqual(['/graphql', '/scim/v2/t/Users']);
    const scimB = fetch(`${base}/scim/v2/t/Groups`); // queued behind, but ahead of GraphQL
    await settle();
    held.shift()!(); // the first GraphQL request finishes
    await first;
    await settle();
    expect(order).toEqual(['/graphql', '/scim/v2/t/Users', '/scim/v2/t/Groups']);
    held.splice(0).forEach((r) => r());
    await Promise.all([scimA, scimB]);
    await settle();
    held.splice(0).forEach((r) => r());
    expect((await second).status).toBe(200);
    expect(order).toEqual(['/graphql', '/scim/v2/t/Users', '/scim/v2/t/Groups', '/graphql']);
  });
});
