import { isForbiddenAddress, webhookUrlProblem } from '../../src/domain/webhooks/webhook.targets';
import { ADMIN_TOKEN } from '../support/app';
import { buildUser } from '../support/factories';
import { startReceiver, type Receiver } from '../support/receiver';
import { until } from '../support/wait';
import { codeOf, gqlTenant, useGqlApp } from './support';

let receiver: Receiver;
const { db, app, t } = useGqlApp({
  env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_DELAYS_MS: '50,50' },
  beforeClose: () => receiver.close(),
});
beforeAll(async () => {
  receiver = await startReceiver();
});
afterEach(() => {
  receiver.received.length = 0;
});

const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes enabled status pendingDeliveries } } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 10) { totalCount edges { node {
  id messageId eventType state attemptCount redeliveryOf attempts { status latencyMs error responseExcerpt } } } } }`;

async function create(key: string, input: Record<string, unknown> = {}) {
  const res = await app.graphql(CREATE, { input: { url: receiver.url, ...input } }, key);
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data!.createWebhookEndpoint as {
    secret: string;
    endpoint: { id: string } & Record<string, unknown>;
  };
}

describe('webhook endpoints through GraphQL', () => {
  it('are created by tenant admins, show their secret once and list with status', async () => {
    const created = await create(t.keys.admin, { eventTypes: ['user.created'], description: 'CRM' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.endpoint).toMatchObject({
      url: receiver.url,
      eventTypes: ['user.created'],
      enabled: true,
      status: 'ACTIVE',
    });
    const listed = await app.graphql(`{ webhookEndpoints { id description status } }`, {}, t.keys.admin);
    expect(listed.body.data!.webhookEndpoints).toContainEqual({
      id: created.endpoint.id,
      description: 'CRM',
      status: 'ACTIVE',
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    const denied = await app.graphql(CREATE, { input: { url: receiver.url } }, t.keys.write);
    expect(codeOf(denied.body)).toBe('FORBIDDEN');
    const bad = await app.graphql(CREATE, { input: { url: 'ftp://example.com/x' } }, t.keys.admin);
    expect(codeOf(bad.body)).toBe('BAD_USER_INPUT');
  });

  it('are audited in the change feed, by whom and without the secret', async () => {
    const { endpoint, secret } = await create(t.keys.admin, { description: 'Audited' });
    const run = async (query: string, variables: Record<string, unknown>) => {
      const res = await app.graphql(query, variables, t.keys.admin);
      expect(res.body.errors).toBeUndefined();
      return res.body.data!;
    };
    await run(
      `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "Changed" }) { id } }`,
      {
        id: endpoint.id,
      },
    );
    const rotated = await run(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, {
      id: endpoint.id,
    });
    await run(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }`, { id: endpoint.id });
    type Node = { type: string; actor: { kind: string }; data: { description?: string } };
    let nodes: Node[] = [];
    // The feed shows an event once every older transaction in the cluster has ended
    // (docs/changes.md); another test's open transaction can hold that back for a moment.
    await until(
      'the four events are in the feed',
      async () => {
        const feed = await app.graphql(
          `query($id: ID!) { changes(subjectId: $id, first: 10) { edges { node { type actor { kind name } data changes } } } }`,
          { id: endpoint.id },
          t.keys.admin,
        );
        expect(feed.body.errors).toBeUndefined();
        nodes = (feed.body.data!.changes as { edges: Array<{ node: Node }> }).edges.map((e) => e.node);
        return nodes.length >= 4;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(nodes.map((n) => n.type)).toEqual([
      'webhook.endpoint_created',
      'webhook.endpoint_updated',
      'webhook.secret_rotated',
      'webhook.endpoint_deleted',
    ]);
    expect(nodes.every((n) => n.actor.kind === 'apiKey')).toBe(true);
    expect(nodes[1]!.data.description).toBe('Changed');
    const text = JSON.stringify(nodes);
    expect(text).not.toContain(secret);
    expect(text).not.toContain((rotated.rotateWebhookSecret as { secret: string }).secret);
    expect(text).not.toContain('whsec_');
  });

  it('are invisible to another tenant, and the operator manages them inside the tenant', async () => {
    const { endpoint } = await create(t.keys.admin);
    const other = await gqlTenant(app, db);
    const list = await app.graphql(`{ webhookEndpoints { id } }`, {}, other.keys.admin);
    expect(list.body.data!.webhookEndpoints).toEqual([]);
    for (const op of [
      `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }`,
      `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
      `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }`,
      `query($id: ID!) { webhookDeliveries(endpointId: $id) { totalCount } }`,
    ]) {
      const res = await app.graphql(op, { id: endpoint.id }, other.keys.admin);
      expect(codeOf(res.body)).toBe('NOT_FOUND');
    }
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'x-checkproof-tenant': t.tenantId,
      },
      body: JSON.stringify({
        query: `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false }) { status disabledReason } }`,
        variables: { id: endpoint.id },
      }),
    });
    const body = (await res.json()) as { data: { updateWebhookEndpoint: unknown } };
    expect(body.data.updateWebhookEndpoint).toEqual({ status: 'DISABLED', disabledReason: 'MANUAL' });
  });

  it('send a test event, log its attempt, and redeliver one delivery or a feed range', async () => {
    // A tenant of its own: the endpoints of the tests above would receive its events too.
    const tt = await gqlTenant(app, db);
    const { endpoint } = await create(tt.keys.admin, { eventTypes: ['user.created'] });
    const test = await app.graphql(
      `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id messageId eventType state } }`,
      { id: endpoint.id },
      tt.keys.admin,
    );
    expect(test.body.data!.sendTestWebhook).toMatchObject({ eventType: 'webhook.test', state: 'PENDING' });
    await until('the test event arrives', () => receiver.received.length === 1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      type: 'webhook.test',
      subject: { type: 'WebhookEndpoint', id: endpoint.id },
    });
    expect(receiver.received[0]!.headers['webhook-id']).toBe(test.body.data!.sendTestWebhook.messageId);

    await buildUser(tt.ctx);
    await until('the event arrives', () => receiver.received.length === 2);
    let log = await app.graphql(DELIVERIES, { id: endpoint.id }, tt.keys.admin);
    await until('both are settled', async () => {
      log = await app.graphql(DELIVERIES, { id: endpoint.id }, tt.keys.admin);
      return log.body.data!.webhookDeliveries.edges.every((e: any) => e.node.state === 'DELIVERED'); // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
    });
    const [eventDelivery, testDelivery] = log.body.data!.webhookDeliveries.edges.map(
      (e: { node: unknown }) => e.node,
    );
    expect(log.body.data!.webhookDeliveries.totalCount).toBe(2);
    expect(testDelivery).toMatchObject({
      eventType: 'webhook.test',
      attemptCount: 1,
      attempts: [{ status: 200, error: null, responseExcerpt: 'ok' }],
    });
    expect(eventDelivery).toMatchObject({ eventType: 'user.created', state: 'DELIVERED' });

    const again = await app.graphql(
      `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { messageId redeliveryOf } }`,
      { id: eventDelivery.id },
      tt.keys.admin,
    );
    expect(again.body.data!.redeliverWebhook).toEqual({
      messageId: eventDelivery.messageId,
      redeliveryOf: eventDelivery.id,
    });
    await until('the redelivery arrives', () => receiver.received.length === 3);
    expect(receiver.received[2]!.headers['webhook-id']).toBe(eventDelivery.messageId);

    const range = await app.graphql(
      `mutation($id: ID!, $from: DateTimeISO!) { redeliverWebhooks(endpointId: $id, range: { from: $from }) }`,
      { id: endpoint.id, from: new Date(Date.now() - 60_000).toISOString() },
      tt.keys.admin,
    );
    expect(range.body.errors).toBeUndefined();
    expect(range.body.data!.redeliverWebhooks).toBeGreaterThanOrEqual(1);
    await until(
      'the range arrives',
      () => receiver.received.length >= 3 + range.body.data!.redeliverWebhooks,
    );
    const empty = await app.graphql(
      `mutation($id: ID!) { redeliverWebhooks(endpointId: $id, range: {}) }`,
      { id: endpoint.id },
      tt.keys.admin,
    );
    expect(codeOf(empty.body)).toBe('BAD_USER_INPUT');
  });
});

describe('webhook targets', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false],
    ['2606:4700:4700::1111', false],
  ])('%s is forbidden: %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });

  it('refuses non-http URLs and private literals, unless private targets are allowed', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(webhookUrlProblem('file:///etc/passwd', true)).toMatch(/http/);
    expect(webhookUrlProblem('http://[::1]:8080/', false)).toMatch(/loopback/);
    expect(webhookUrlProblem('http://169.254.169.254/latest/meta-data', false)).toMatch(/link-local/);
    expect(webhookUrlProblem('http://localhost:3000/', false)).toMatch(/localhost/);
    expect(webhookUrlProblem('http://127.0.0.1:3000/', true)).toBeNull();
  });
});
