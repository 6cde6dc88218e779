import type { Cluster } from './cluster';
import { newAgent, request, sleep, type Outcome } from './http';
import { Tally, type Writes } from './report';
import type { Service, ServiceOptions } from './service';

/** Sizes of the short (CI) and full runs. */
export interface Mode {
  short: boolean;
  /** Clients of the SCIM create load in a–d. */
  clients: number;
  /** Load before each fault, ms. */
  baselineMs: number;
  restartOutageMs: number;
  immediateOutageMs: number;
  freezeMs: number;
  raceUsers: number;
  raceRounds: number;
  manyClients: number;
  manyClientsMs: number;
  bombs: number;
}

export const FULL: Mode = {
  short: false,
  clients: 32,
  baselineMs: 3000,
  restartOutageMs: 4000,
  immediateOutageMs: 6000,
  freezeMs: 10_000,
  raceUsers: 200,
  raceRounds: 6,
  manyClients: 2000,
  manyClientsMs: 20_000,
  bombs: 5,
};

export const SHORT: Mode = {
  short: true,
  clients: 16,
  baselineMs: 1500,
  restartOutageMs: 2000,
  immediateOutageMs: 3000,
  freezeMs: 8000,
  raceUsers: 60,
  raceRounds: 3,
  manyClients: 2000,
  manyClientsMs: 6000,
  bombs: 3,
};

export interface Tenant {
  id: string;
  scimUrl: string;
  scimToken: string;
  /** API keys of the tenant, by scope. */
  readKey: string;
  writeKey: string;
}

export interface Ctx {
  mode: Mode;
  cluster: Cluster;
  service: Service;
  serviceOptions: ServiceOptions;
  tenant: Tenant;
  /** Set when the scenario ran past its hard limit: every loop stops. */
  aborted: boolean;
  log(msg: string): void;
}

export const SCIM_JSON = 'application/scim+json';

export function scimHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': SCIM_JSON, accept: SCIM_JSON };
}

/** An Entra-shaped POST /Users body. */
export function entraUser(userName: string, n = 0): string {
  return JSON.stringify({
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId: userName.replace(/@.*/, ''),
    userName,
    active: true,
    displayName: `Fault User ${n}`,
    name: { formatted: `Fault User ${n}`, familyName: `User ${n}`, givenName: 'Fault' },
    emails: [{ primary: true, type: 'work', value: userName }],
    title: 'Engineer',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Resilience' },
  });
}

export async function graphql(
  url: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Outcome> {
  return request(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    timeoutMs: 30_000,
  });
}

async function graphqlData<T>(url: string, token: string, query: string): Promise<T> {
  const r = await graphql(url, token, query);
  if (r.kind !== 'response') throw new Error(`GraphQL: ${r.kind} ${r.code}`);
  const parsed = JSON.parse(r.body) as { data?: T; errors?: unknown };
  if (!parsed.data || parsed.errors) throw new Error(`GraphQL ${r.status}: ${r.body.slice(0, 500)}`);
  return parsed.data;
}

/** An API key of a tenant with these scopes (the operator creates it); returns its secret. */
export async function createApiKey(
  url: string,
  adminToken: string,
  tenantId: string,
  scopes: string[],
): Promise<string> {
  const data = await graphqlData<{ createApiKey: { secret: string } }>(
    url,
    adminToken,
    `mutation { createApiKey(input: { name: "faults-${scopes.join('-').toLowerCase()}", scopes: [${scopes.join(', ')}], tenantId: "${tenantId}" }) { secret } }`,
  );
  return data.createApiKey.secret;
}

/** A tenant through GraphQL createTenant, and a read and a write API key for it. */
export async function createTenant(url: string, adminToken: string, slug: string): Promise<Tenant> {
  const created = await graphqlData<{
    createTenant: { tenant: { id: string }; scimUrl: string; scimToken: string };
  }>(
    url,
    adminToken,
    `mutation { createTenant(input: { slug: "${slug}", name: "Faults ${slug}" }) { tenant { id } scimUrl scimToken } }`,
  );
  const { tenant, scimUrl, scimToken } = created.createTenant;
  return {
    id: tenant.id,
    scimUrl,
    scimToken,
    readKey: await createApiKey(url, adminToken, tenant.id, ['DIRECTORY_READ']),
    writeKey: await createApiKey(url, adminToken, tenant.id, ['DIRECTORY_WRITE']),
  };
}

/** The tenant's Provisioning URL on the current service (the port changes when it restarts). */
export function scimBase(ctx: Ctx, serviceUrl = ctx.service.url): string {
  return `${serviceUrl}/scim/v2/${ctx.tenant.id}`;
}

/** Creates users synchronously (setup, not measured); returns their ids. */
export async function seedUsers(
  ctx: Ctx,
  prefix: string,
  n: number,
  base = scimBase(ctx),
): Promise<string[]> {
  const ids: string[] = new Array<string>(n);
  const agent = newAgent(8);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      for (let attempt = 0; ; attempt++) {
        const r = await request(`${base}/Users`, {
          method: 'POST',
          headers: scimHeaders(ctx.tenant.scimToken),
          body: entraUser(`${prefix}-${i}@faults.example`, i),
          agent,
          timeoutMs: 30_000,
        });
        if (r.kind === 'response' && r.status === 201) {
          ids[i] = (JSON.parse(r.body) as { id: string }).id;
          break;
        }
        if (attempt > 20)
          throw new Error(`seeding ${prefix}-${i}: ${r.kind === 'response' ? r.status : r.code}`);
        await sleep(200);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  agent.destroy();
  return ids;
}

/**
 * Closed-loop SCIM create load: `clients` clients, each with its own keep-alive socket, POST
 * unique Entra-shaped users until stopped. A client does not honour Retry-After's value (it only
 * checks that it is there) and pauses 50 ms after a failure, so recovery times measure the service.
 */
export class CreateLoad {
  readonly tally = new Tally();
  readonly acked = new Set<string>();
  readonly unknown = new Set<string>();
  readonly errored = new Set<string>();
  /** Every answer: when it was sent and received and what it was. */
  readonly events: Array<{ start: number; end: number; outcome: Outcome; userName: string }> = [];
  private stopped = false;
  private readonly running: Promise<void>[];

  constructor(
    readonly ctx: Ctx,
    readonly prefix: string,
    clients: number,
    readonly timeoutMs: number,
    readonly onOutcome?: (o: Outcome, userName: string) => void,
  ) {
    this.running = Array.from({ length: clients }, (_, c) => this.client(c));
  }

  private async client(c: number): Promise<void> {
    const agent = newAgent(1);
    let seq = 0;
    while (!this.stopped && !this.ctx.aborted) {
      const userName = `${this.prefix}-${c}-${seq++}@faults.example`;
      const o = await request(`${scimBase(this.ctx)}/Users`, {
        method: 'POST',
        headers: scimHeaders(this.ctx.tenant.scimToken),
        body: entraUser(userName, seq),
        agent,
        timeoutMs: this.timeoutMs,
      });
      this.record(o, userName);
      if (o.kind !== 'response' || o.status !== 201) await sleep(50);
    }
    agent.destroy();
  }

  record(o: Outcome, userName: string): void {
    this.tally.add(o);
    this.events.push({ start: o.start, end: o.end, outcome: o, userName });
    if (o.kind === 'response' && o.status >= 200 && o.status < 300) this.acked.add(userName);
    else if (o.kind === 'response') this.errored.add(userName);
    else this.unknown.add(userName);
    this.onOutcome?.(o, userName);
  }

  /** ms from `t` to the first 2xx received after it (null: none). */
  first2xxAfter(t: number): number | null {
    let best: number | null = null;
    for (const e of this.events)
      if (e.end >= t && e.outcome.kind === 'response' && e.outcome.status < 300 && e.outcome.status >= 200)
        best = best === null ? e.end - t : Math.min(best, e.end - t);
    return best;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }
}

/** userNames present in PostgreSQL with this prefix (the tenant's rows, counted directly). */
export async function presentUserNames(ctx: Ctx, prefix: string): Promise<Set<string>> {
  const rows = await ctx.cluster.query<{ user_name: string }>(
    `select user_name from app_user where tenant_id = $1 and user_name like $2`,
    [ctx.tenant.id, `${prefix}-%`],
  );
  return new Set(rows.map((r) => r.user_name));
}

export function compareWrites(
  acked: Set<string>,
  unknown: Set<string>,
  errored: Set<string>,
  present: Set<string>,
): Writes & { missingNames: string[] } {
  const missingNames = [...acked].filter((n) => !present.has(n));
  return {
    acknowledged: acked.size,
    present: present.size,
    missing: missingNames.length,
    unknown: unknown.size,
    unknownPresent: [...unknown].filter((n) => present.has(n)).length,
    errorButPresent: [...errored].filter((n) => present.has(n) && !acked.has(n)).length,
    missingNames: missingNames.slice(0, 5),
  };
}

/**
 * Polls /readyz every `everyMs` on one keep-alive socket, each with a 1.5 s client timeout, and
 * keeps every sample.
 */
export class ReadyPoller {
  readonly samples: Array<{ start: number; end: number; status: number | string }> = [];
  private stopped = false;
  private readonly running: Promise<void>;
  constructor(
    private readonly url: () => string,
    private readonly everyMs = 100,
    private readonly timeoutMs = 1500,
    private readonly path = '/readyz',
  ) {
    this.running = this.loop();
  }
  private async loop(): Promise<void> {
    const agent = newAgent(1);
    while (!this.stopped) {
      const t0 = performance.now();
      const o = await request(`${this.url()}${this.path}`, { agent, timeoutMs: this.timeoutMs });
      this.samples.push({ start: o.start, end: o.end, status: o.kind === 'response' ? o.status : o.kind });
      const wait = this.everyMs - (performance.now() - t0);
      if (wait > 0) await sleep(wait);
    }
    agent.destroy();
  }
  /** ms from `t` to the first answer with this status received after it. */
  firstAfter(t: number, status: number): number | null {
    const s = this.samples.find((x) => x.end >= t && x.status === status);
    return s ? s.end - t : null;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

/** Waits until `cond()` or `ms` elapse. */
export async function waitFor(cond: () => boolean, ms: number, ctx?: Ctx): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (cond()) return true;
    if (ctx?.aborted) return false;
    await sleep(50);
  }
  return cond();
}
