import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app';
import { uniq } from '../support/factories';
import { scimTenant, type ScimClient } from '../support/scim';
import { useTestApp } from '../support/use-app';

const CONSOLE_ORIGIN = 'http://directory.test';
// Open sockets' credentials are checked again every 200 ms here (30 s by default).
const { app, db } = useTestApp({ env: { SUBSCRIPTION_RECHECK_MS: '200' } });

/**
 * When the feed lets a subject's event be read (docs/changes.md: once every older transaction on
 * the server has ended). Other test files on this server hold transactions open for seconds
 * (migrations, deliberate overlaps), which holds every feed back; live delivery is timed from here.
 */
async function releasedAt(subjectId: string): Promise<number> {
  for (;;) {
    const rows = (await db
      .em()
      .execute(
        `select 1 from audit_event e where e.resource_id = ? and e.txid < pg_snapshot_xmin(pg_current_snapshot())`,
        [subjectId],
        'all',
      )) as unknown[];
    if (rows.length > 0) return Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Tenant {
  scim: ScimClient;
  readKey: string;
  writeOnlyKey: string;
}

async function tenant(): Promise<Tenant> {
  const scim = await scimTenant(app);
  const key = async (scopes: string[]) => {
    const { body } = await app.graphql(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { tenantId: scim.tenantId, name: uniq('key'), scopes } },
    );
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return String(body.data!.createApiKey.secret);
  };
  return { scim, readKey: await key(['DIRECTORY_READ']), writeOnlyKey: await key(['DIRECTORY_WRITE']) };
}

const createUser = (scim: ScimClient, userName = `${uniq('u')}@example.com`) =>
  scim.req('POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    active: true,
  });

const CHANGES = `query($after: String, $first: Int, $types: [String!], $subjectId: ID) {
  changes(after: $after, first: $first, types: $types, subjectId: $subjectId) {
    edges { cursor node { id type occurredAt requestId actor { kind id name } subject { type id } data changes } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type ChangeNode = {
  type: string;
  subject: { type: string; id: string };
  actor: { kind: string; name: string | null };
  data: Record<string, unknown> | null;
  requestId: string | null;
};

/** Pages the whole feed (events become readable once older transactions end: retry briefly). */
async function readFeed(key: string, want: number, vars: Record<string, unknown> = {}) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const nodes: ChangeNode[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = await app.graphql(CHANGES, { ...vars, after, first: 3 }, key);
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      const page = body.data!.changes;
      nodes.push(...page.edges.map((e: { node: ChangeNode }) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    if (nodes.length >= want || Date.now() > deadline) return nodes;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function wsClient(
  target: TestApp,
  params: Record<string, unknown> | undefined,
  headers: Record<string, string> = {},
): Client {
  class WithHeaders extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({
    url: `${target.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WithHeaders,
    ...(params ? { connectionParams: params } : {}),
    retryAttempts: 0,
    lazy: true,
  });
}

interface Received {
  events: Array<{ type: string; subject: { id: string }; cursor: string; at: number }>;
  closed: Promise<unknown>;
  stop(): void;
  /** Resolves once `n` events have arrived (rejects after `ms`). */
  until(n: number, ms?: number): Promise<void>;
}

const SUBSCRIBE = `subscription($types: [String!], $after: String) {
  directoryChanges(types: $types, after: $after) { type cursor subject { id } }
}`;

function subscribe(client: Client, variables: Record<string, unknown> = {}): Received {
  const events: Received['events'] = [];
  const waiters: Array<() => void> = [];
  let stop: () => void = () => undefined;
  const closed = new Promise((resolve, reject) => {
    stop = client.subscribe(
      { query: SUBSCRIBE, variables },
      {
        next: (msg) => {
          const change = (msg.data as { directoryChanges: Omit<Received['events'][number], 'at'> } | null)
            ?.directoryChanges;
          if (change) events.push({ ...change, at: Date.now() });
          for (const w of waiters.splice(0)) w();
        },
        error: (err) => reject(err),
        complete: () => resolve(undefined),
      },
    );
  });
  const received: Received = {
    events,
    closed,
    stop: () => stop(),
    until: (n, ms = 5000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${events.length} of ${n} events`)), ms);
        const check = () => {
          if (events.length >= n) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        closed.catch((e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
        });
        check();
      }),
  };
  closed.catch(() => undefined);
  return received;
}

/** Waits until the server has answered connection_init (the subscription is then being served). */
async function connected(client: Client): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const off = client.on('connected', () => {
      off();
      resolve();
    });
    client.on('closed', (e) => reject(new Error(`closed: ${(e as { code?: number }).code}`)));
  });
}

describe('changes (pull)', () => {
  it('pages a tenant’s events with a cursor, filters them, and names the SCIM token that acted', async () => {
    const t = await tenant();
    const created = await createUser(t.scim);
    expect(created.status).toBe(201);
    const requestId = created.headers.get('x-request-id');
    const disabled = await t.scim.req('PATCH', `/Users/${created.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(disabled.status).toBeLessThan(300);
    const all = await readFeed(t.readKey, 4);
    const userEvents = all.filter((n) => n.subject.id === created.body.id);
    expect(userEvents.map((n) => n.type)).toEqual(['user.created', 'user.disabled']);
    expect(userEvents[0]).toMatchObject({
      actor: { kind: 'scim', name: 'Initial provisioning token' },
      requestId,
      data: { userName: created.body.userName, active: true },
    });
    // The tenant's own setup is in the feed too: the token and the two API keys.
    expect(all.filter((n) => n.type === 'scim_token.created')).toHaveLength(1);
    const only = await readFeed(t.readKey, 1, { types: ['user.disabled'] });
    expect(only.map((n) => n.type)).toEqual(['user.disabled']);
    const bySubject = await readFeed(t.readKey, 2, { subjectId: created.body.id });
    expect(bySubject).toHaveLength(2);
  });

  it('needs read scope, refuses a malformed cursor, and keeps tenants apart', async () => {
    const a = await tenant();
    const b = await tenant();
    const user = await createUser(a.scim);
    await readFeed(a.readKey, 1, { subjectId: user.body.id });
    const other = await app.graphql(CHANGES, { subjectId: user.body.id }, b.readKey);
    expect(other.body.data!.changes.edges).toEqual([]);
    const anonymous = await app.graphql(CHANGES, {}, null);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Writing implies reading (the house rule of every tenant query).
    const writer = await app.graphql(CHANGES, {}, a.writeOnlyKey);
    expect(writer.body.errors).toBeUndefined();
    const operator = await app.graphql(CHANGES, {});
    expect(operator.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await app.graphql(CHANGES, { after: 'nope' }, a.readKey);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('directoryChanges (live, over WebSocket)', () => {
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  const open = (
    params?: Record<string, unknown>,
    headers?: Record<string, string>,
    target: TestApp = app,
  ) => {
    const c = wsClient(target, params, headers);
    clients.push(c);
    return c;
  };

  it('delivers a SCIM write within a second of the feed releasing it', async () => {
    const t = await tenant();
    const client = open({ authorization: `Bearer ${t.readKey}` });
    const ready = connected(client);
    const live = subscribe(client, { types: ['user.created'] });
    await ready;
    // Give the subscription its start position before writing.
    await new Promise((r) => setTimeout(r, 200));
    const created = await createUser(t.scim);
    const [readable] = await Promise.all([releasedAt(created.body.id), live.until(1)]);
    expect(live.events[0]!.subject.id).toBe(created.body.id);
    // Within a second of the event becoming readable: the notice, not the 5 s poll.
    expect(live.events[0]!.at - readable).toBeLessThan(1000);
  });

  it('a client reconnecting with after gets every event it missed, in order', async () => {
    const t = await tenant();
    const first = open({ authorization: `Bearer ${t.readKey}` });
    const ready = connected(first);
    const live = subscribe(first, { types: ['user.created'] });
    await ready;
    await new Promise((r) => setTimeout(r, 200));
    await createUser(t.scim);
    await live.until(1);
    const last = live.events[0]!.cursor;
    live.stop();
    await first.dispose();
    // Written while nobody listened.
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push((await createUser(t.scim)).body.id as string);
    const again = subscribe(open({ authorization: `Bearer ${t.readKey}` }), {
      types: ['user.created'],
      after: last,
    });
    await again.until(3);
    expect(again.events.map((e) => e.subject.id)).toEqual(missed);
  });

  it('refuses a socket without credentials, with a bad token, or with a cookie from another origin', async () => {
    const closeCode = async (params?: Record<string, unknown>, headers?: Record<string, string>) => {
      const client = open(params, headers);
      const code = new Promise<number>((resolve) =>
        client.on('closed', (e) => resolve((e as { code: number }).code)),
      );
      const live = subscribe(client);
      await live.closed.catch(() => undefined);
      return code;
    };
    expect(await closeCode()).toBe(4403);
    expect(await closeCode({ authorization: 'Bearer cpd_key_nope' })).toBe(4403);
    const t = await tenant();
    const session = await tenantSession(t.scim.tenantId);
    expect(await closeCode(undefined, { cookie: session, origin: 'http://evil.test' })).toBe(4403);
    expect(await closeCode(undefined, { cookie: session })).toBe(4403);
  });

  it('closes a socket whose API key is revoked, or whose console session signs out, at the next check', async () => {
    const t = await tenant();
    const { body } = await app.graphql(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
      { input: { tenantId: t.scim.tenantId, name: uniq('key'), scopes: ['DIRECTORY_READ'] } },
    );
    const created = body.data!.createApiKey as { secret: string; apiKey: { id: string } };
    const closedWith = (client: Client) =>
      new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));

    const byKey = open({ authorization: `Bearer ${created.secret}` });
    const keyClosed = closedWith(byKey);
    const ready = connected(byKey);
    subscribe(byKey).closed.catch(() => undefined);
    await ready;
    // Checks pass while the key is valid: the socket stays open.
    const early = await Promise.race([
      keyClosed.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('open'), 600)),
    ]);
    expect(early).toBe('open');
    const revoked = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'x-checkproof-tenant': t.scim.tenantId,
      },
      body: JSON.stringify({
        query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
        variables: { id: created.apiKey.id },
      }),
    });
    expect(((await revoked.json()) as { errors?: unknown }).errors).toBeUndefined();
    expect(await keyClosed).toBe(4401);

    const session = await tenantSession(t.scim.tenantId);
    const bySession = open(undefined, { cookie: session, origin: CONSOLE_ORIGIN });
    const sessionClosed = closedWith(bySession);
    const sessionReady = connected(bySession);
    subscribe(bySession).closed.catch(() => undefined);
    await sessionReady;
    const out = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session, origin: CONSOLE_ORIGIN },
      body: JSON.stringify({ query: 'mutation { signOut }' }),
    });
    expect(out.status).toBe(200);
    expect(await sessionClosed).toBe(4401);
  });

  it('serves the console session cookie from PUBLIC_URL’s origin, and only its own tenant’s events', async () => {
    const a = await tenant();
    const b = await tenant();
    const session = await tenantSession(a.scim.tenantId);
    const client = open(undefined, { cookie: session, origin: CONSOLE_ORIGIN });
    const ready = connected(client);
    const live = subscribe(client, { types: ['user.created'] });
    await ready;
    await new Promise((r) => setTimeout(r, 200));
    await createUser(b.scim);
    const mine = await createUser(a.scim);
    await live.until(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(live.events.map((e) => e.subject.id)).toEqual([mine.body.id]);
  });

  it('delivers events another process wrote (LISTEN/NOTIFY), and closes sockets with 1001 on shutdown', async () => {
    const t = await tenant();
    const other = await startTestApp(db);
    try {
      const client = open({ authorization: `Bearer ${t.readKey}` });
      const ready = connected(client);
      const live = subscribe(client, { types: ['user.created'] });
      await ready;
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(`${t.scim.base.replace(app.url, other.url)}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.scim.token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `${uniq('p')}@x.test`,
        }),
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      const [readable] = await Promise.all([releasedAt(id), live.until(1)]);
      // Within a second of the event becoming readable: the other process's notice, not the poll.
      expect(live.events[0]!.at - readable).toBeLessThan(1000);
      // Now the other process shuts down while one of its sockets is open.
      const onOther = open({ authorization: `Bearer ${t.readKey}` }, {}, other);
      const closedWith = new Promise<number>((resolve) =>
        onOther.on('closed', (e) => resolve((e as { code: number }).code)),
      );
      const otherReady = connected(onOther);
      subscribe(onOther);
      await otherReady;
      const started = Date.now();
      await other.close();
      expect(await closedWith).toBe(1001);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await other.close();
    }
  });

  it('serves only subscriptions over the socket', async () => {
    const t = await tenant();
    const client = open({ authorization: `Bearer ${t.readKey}` });
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: '{ roles { totalCount } }' },
        { next: () => undefined, error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(result)).toMatch(/Only subscriptions/);
  });
});

/** A tenant administrator's console session cookie (`cpd_session=…`), from a setup link. */
async function tenantSession(tenantId: string): Promise<string> {
  const { body } = await app.graphql(
    `mutation($id: ID!) { createSetupLink(tenantId: $id, expiresInHours: 1) { url } }`,
    { id: tenantId },
  );
  const secret = String(body.data!.createSetupLink.url).split('/').pop()!;
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: CONSOLE_ORIGIN },
    body: JSON.stringify({
      query: `mutation($s: String!) { redeemSetupLink(secret: $s) { kind } }`,
      variables: { s: secret },
    }),
  });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('cpd_session='));
  if (!set) throw new Error(`no session: ${await res.text()}`);
  return set.split(';')[0]!;
}
