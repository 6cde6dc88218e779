import { createHmac } from 'node:crypto';
import { openOrm, type Orm } from '../../src/db/orm';
import { listChanges } from '../../src/domain/changes/change.queries';
import type { DirectoryContext } from '../../src/domain/context';
import { changeGroup } from '../../src/domain/groups/group.service';
import { query, sql } from '../../src/domain/sql';
import {
  listWebhookAttempts,
  listWebhookDeliveries,
} from '../../src/domain/webhooks/webhook.delivery.service';
import {
  startWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../../src/domain/webhooks/webhook.dispatcher';
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  rotateWebhookSecret,
} from '../../src/domain/webhooks/webhook.endpoint.service';
import { createWebhookTransport } from '../../src/http/webhook-transport';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser, silentLog } from '../support/factories';
import { startReceiver, type Received, type Receiver } from '../support/receiver';
import { until } from '../support/wait';

/** The verifier of docs/changes.md, as a receiver would write it. */
function verify(secret: string, headers: Received['headers'], body: string): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return String(headers['webhook-signature'])
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}

let db: TestDatabase;
let receiver: Receiver;
const dispatchers: WebhookDispatcher[] = [];
const orms: Orm[] = [];
const allowAll = { allowPrivate: true };

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await Promise.all(orms.map((o) => o.close(true)));
  await db.drop();
});
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
  receiver.answer = () => ({ status: 200, body: 'ok' });
  receiver.received.length = 0;
  // Each test starts with no endpoint enabled, so earlier tests' endpoints take no deliveries.
  await query(db.em(), sql`update webhook_endpoint set enabled = false`);
});

/** A dispatcher on a pool of its own, as each worker process runs one. */
async function dispatcher(opts: Partial<WebhookDispatcherOptions> = {}, allowPrivate = true) {
  const orm = await openOrm({ url: db.url, poolMax: 3 });
  orms.push(orm);
  const d = startWebhookDispatcher({
    em: orm.em,
    log: silentLog,
    transport: createWebhookTransport({ allowPrivate, timeoutMs: 2000, excerptBytes: 1024 }),
    pollMs: 50,
    retryDelaysMs: [50, 50, 50, 50],
    ...opts,
  });
  dispatchers.push(d);
  return d;
}

async function endpoint(ctx: DirectoryContext, url = receiver.url, eventTypes?: string[]) {
  return createWebhookEndpoint(ctx, { url, ...(eventTypes ? { eventTypes } : {}) }, allowAll);
}

const bodyOf = (r: Received) => JSON.parse(r.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience

describe('webhook delivery', () => {
  it('sends only what commits after the endpoint is made, though an open transaction holds the horizon back', async () => {
    const { ctx } = await buildTenant(db);
    // Another session's open transaction keeps the feed's horizon (xmin) before what follows.
    const holder = db.orm.em.getConnection();
    const client = await (
      holder.getKnex().client as { acquireConnection(): Promise<unknown> }
    ).acquireConnection();
    const raw = client as { query(text: string): Promise<unknown> };
    await raw.query('begin');
    await raw.query('select pg_current_xact_id()');
    try {
      await buildUser(ctx, { userName: 'before@example.com' });
      await endpoint(ctx);
      await dispatcher();
      const after = await buildUser(ctx, { userName: 'after@example.com' });
      await raw.query('commit');
      await until('the event arrives', () => receiver.received.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received.map((r) => bodyOf(r).subject.id)).toEqual([after.id]);
    } finally {
      await raw.query('rollback').catch(() => undefined);
      (holder.getKnex().client as { releaseConnection(c: unknown): void }).releaseConnection(client);
    }
  });

  it('signs each event per Standard Webhooks, with the feed event as the body', async () => {
    const { ctx } = await buildTenant(db);
    const { secret } = await endpoint(ctx);
    await dispatcher();
    const user = await buildUser(ctx);
    await until('the event arrives', () => receiver.received.length >= 1);
    const [r] = receiver.received;
    const [change] = (await listChanges(ctx, { first: 10, types: ['user.created'] })).items;
    expect(r!.headers['webhook-id']).toBe(`evt_${change!.id}`);
    expect(Math.abs(Number(r!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(String(r!.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verify(secret, r!.headers, r!.body)).toBe(true);
    expect(verify(secret, r!.headers, r!.body.replace('user.created', 'user.deleted'))).toBe(false);
    expect(bodyOf(r!)).toEqual(JSON.parse(JSON.stringify(change)));
    expect(bodyOf(r!)).toMatchObject({ type: 'user.created', subject: { type: 'User', id: user.id } });
  });

  it('retries a failing receiver with the same webhook-id until it recovers, logging each attempt', async () => {
    const { ctx } = await buildTenant(db);
    const { endpoint: ep } = await endpoint(ctx);
    let n = 0;
    receiver.answer = () => (++n <= 2 ? { status: 500, body: 'x'.repeat(5000) } : { status: 204 });
    await dispatcher();
    await buildUser(ctx);
    await until('the third attempt', () => receiver.received.length >= 3);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    await until('the delivery is settled', async () => {
      const page = await listWebhookDeliveries(ctx, ep.id, { first: 10 });
      return page.items[0]?.state === 'delivered';
    });
    const [delivery] = (await listWebhookDeliveries(ctx, ep.id, { first: 10 })).items;
    const attempts = (await listWebhookAttempts(ctx, [delivery!.id])).get(delivery!.id)!;
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 204]);
    expect(attempts[0]!.responseExcerpt).toHaveLength(1024);
    expect(attempts[0]!.error).toBe('HTTP 500');
    expect(delivery!.attempts).toBe(3);
    expect((await getWebhookEndpoint(ctx, ep.id)).failingSince).toBeNull();
  });

  it('waits as long as Retry-After asks (seconds) before the next attempt', async () => {
    const { ctx } = await buildTenant(db);
    await endpoint(ctx);
    let n = 0;
    receiver.answer = () => (++n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 });
    await dispatcher({ retryDelaysMs: [10, 10] });
    await buildUser(ctx);
    await until('the retry', () => receiver.received.length >= 2, { timeoutMs: 5000 });
    const [first, second] = receiver.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('disables the endpoint on 410 Gone and says so in the feed', async () => {
    const { ctx } = await buildTenant(db);
    const { endpoint: ep } = await endpoint(ctx);
    receiver.answer = () => ({ status: 410 });
    await dispatcher();
    await buildUser(ctx);
    await until('disabled', async () => !(await getWebhookEndpoint(ctx, ep.id)).enabled);
    const after = await getWebhookEndpoint(ctx, ep.id);
    expect(after.disabledReason).toBe('gone');
    expect(receiver.received).toHaveLength(1);
    await until(
      'the event is readable',
      async () =>
        (await listChanges(ctx, { first: 10, types: ['webhook.endpoint_disabled'] })).items.length === 1,
    );
    const [event] = (await listChanges(ctx, { first: 10, types: ['webhook.endpoint_disabled'] })).items;
    expect(event).toMatchObject({
      subject: { type: 'WebhookEndpoint', id: ep.id },
      actor: { kind: 'system', id: 'webhooks' },
      data: { enabled: false, disabledReason: 'gone' },
    });
  });

  it('disables an endpoint whose attempts have all failed for the disable period', async () => {
    const { ctx } = await buildTenant(db);
    const { endpoint: ep } = await endpoint(ctx);
    receiver.answer = () => ({ status: 500 });
    await dispatcher({ disableAfterMs: 300, retryDelaysMs: [100, 100, 100, 100, 100, 100] });
    await buildUser(ctx);
    await until('disabled', async () => !(await getWebhookEndpoint(ctx, ep.id)).enabled);
    expect((await getWebhookEndpoint(ctx, ep.id)).disabledReason).toBe('failing');
    const [delivery] = (await listWebhookDeliveries(ctx, ep.id, { first: 1 })).items;
    expect(['cancelled', 'pending', 'failed']).toContain(delivery!.state);
    expect(delivery!.state).not.toBe('pending');
  });

  it("holds a subject's later events behind its failing one, while other subjects go on", async () => {
    const { ctx } = await buildTenant(db);
    await endpoint(ctx, receiver.url, ['group.member_added', 'user.created']);
    const group = await buildGroup(ctx);
    const users = [await buildUser(ctx), await buildUser(ctx), await buildUser(ctx)];
    let failures = 0;
    receiver.answer = (r) => {
      const b = bodyOf(r);
      if (b.type === 'group.member_added' && b.data.member.id === users[0]!.id && failures < 3) {
        failures++;
        return { status: 500 };
      }
      return { status: 200 };
    };
    await dispatcher({ retryDelaysMs: [150, 150, 150, 150] });
    for (const u of users)
      await changeGroup(ctx, group.id, [{ kind: 'addMembers', members: [{ value: u.id }] }]);
    const other = await buildUser(ctx);
    await until(
      'the last add arrives',
      () => receiver.received.some((r) => bodyOf(r).data.member?.id === users[2]!.id),
      { timeoutMs: 8000 },
    );
    const okAdds = receiver.received
      .filter((r) => bodyOf(r).type === 'group.member_added')
      .map((r) => bodyOf(r).data.member.id as string);
    // Three failed attempts of the first add, then the adds in commit order, none before it.
    expect(okAdds).toEqual([
      users[0]!.id,
      users[0]!.id,
      users[0]!.id,
      users[0]!.id,
      users[1]!.id,
      users[2]!.id,
    ]);
    const otherAt = receiver.received.findIndex((r) => bodyOf(r).subject.id === other.id);
    const lastFailure = receiver.received.map((r) => bodyOf(r).type).lastIndexOf('group.member_added');
    expect(otherAt).toBeGreaterThanOrEqual(0);
    expect(otherAt).toBeLessThan(lastFailure);
  });

  it('two dispatchers on separate pools deliver each event once per endpoint', async () => {
    const { ctx } = await buildTenant(db);
    const a = await endpoint(ctx, `${receiver.url}/a`);
    const b = await endpoint(ctx, `${receiver.url}/b`);
    await dispatcher();
    await dispatcher();
    const n = 40;
    await Promise.all(Array.from({ length: n }, () => buildUser(ctx)));
    // Endpoint a is also told that b was created (webhook.endpoint_created); count the users' events.
    const created = () => receiver.received.filter((r) => bodyOf(r).type === 'user.created');
    await until('every delivery', () => created().length >= 2 * n, { timeoutMs: 10000 });
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would come now
    expect(created()).toHaveLength(2 * n);
    for (const ep of [a, b]) {
      const ids = created()
        .filter((r) => r.headers['webhook-id'] && r.body && verify(ep.secret, r.headers, r.body))
        .map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(n);
      expect(ids).toHaveLength(n);
    }
  });

  it('refuses loopback targets at connect time unless private targets are allowed', async () => {
    const { ctx } = await buildTenant(db);
    const byName = await endpoint(ctx, `http://localhost:${receiver.port}/hook`);
    const byAddress = await endpoint(ctx, `http://127.0.0.1:${receiver.port}/hook`);
    await dispatcher({ retryDelaysMs: [] }, false);
    await buildUser(ctx);
    for (const ep of [byName, byAddress]) {
      // Each endpoint gets more than one delivery (the user's event, and byName hears of byAddress
      // being created); wait until every one of them has failed, then check each refusal.
      // A delivery fanned out later may still be pending: check the ones seen all failed together.
      let seen: Awaited<ReturnType<typeof listWebhookDeliveries>>['items'] = [];
      await until('every attempt fails', async () => {
        seen = (await listWebhookDeliveries(ctx, ep.endpoint.id, { first: 10 })).items;
        return seen.length > 0 && seen.every((d) => d.state === 'failed');
      });
      for (const d of seen) expect(d.lastError).toMatch(/refused: .*(127\.0\.0\.1|::1)/);
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('signs with both secrets during a rotation overlap, and only the new one without', async () => {
    const { ctx } = await buildTenant(db);
    const { endpoint: ep, secret: old } = await endpoint(ctx);
    const { secret: fresh } = await rotateWebhookSecret(ctx, ep.id, 24);
    await dispatcher();
    await buildUser(ctx);
    await until('arrives', () => receiver.received.length >= 1);
    const [r] = receiver.received;
    expect(String(r!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(old, r!.headers, r!.body)).toBe(true);
    expect(verify(fresh, r!.headers, r!.body)).toBe(true);
    const { secret: newest } = await rotateWebhookSecret(ctx, ep.id, 0);
    await buildUser(ctx);
    await until('arrives', () => receiver.received.length >= 2);
    expect(verify(newest, receiver.received[1]!.headers, receiver.received[1]!.body)).toBe(true);
    expect(verify(fresh, receiver.received[1]!.headers, receiver.received[1]!.body)).toBe(false);
  });
});
