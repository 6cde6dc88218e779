import { request as httpRequest } from 'node:http';
import type { ScimClient } from './scim';

/**
 * One captured-shape request of an Entra provisioning cycle (test/fixtures/entra/*.json).
 * Strings anywhere in a step may hold `{{name}}` placeholders: `{{guid}}` (a random GUID, as
 * Entra's probes use) or a value saved by an earlier step's `save`.
 */
export interface ReplayStep {
  name: string;
  method?: string;
  path?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send nothing but Authorization (no Accept, Content-Type or User-Agent), like Test Connection. */
  bare?: boolean;
  expectStatus?: number;
  /** Partial match of the response body (jest toMatchObject). */
  expect?: unknown;
  /** Dotted paths (`Resources.0.members`) that must be absent from the response body. */
  absent?: string[];
  /** The exact member ids (any order) of the group in the response body. */
  members?: string[];
  /** Placeholder name → dotted path in the response body to read it from. */
  save?: Record<string, string>;
  /** Steps sent at the same time (Entra sends membership PATCHes in parallel). */
  parallel?: ReplayStep[];
}

export interface ReplayFixture {
  description: string;
  /** Query string the admin appended to the Tenant URL (`aadOptscim062020`); Entra keeps it on every request. */
  tenantUrlQuery?: string;
  steps: ReplayStep[];
}

export interface ReplayResult {
  step: string;
  status: number;
  contentType: string | null;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON of any shape
}

/** The value at a dotted path (`Resources.0.id`, `urn:…:User.manager.value` is split on the last dots). */
export function at(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const key of splitPath(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

// URN keys contain dots ("…:enterprise:2.0:User"); a segment starting with "urn:" runs up to ":User".
function splitPath(path: string): string[] {
  const urn = /^(urn:[^]*?:User)(?:\.|$)/.exec(path);
  if (urn) return [urn[1]!, ...splitPath(path.slice(urn[0].length)).filter((s) => s !== '')];
  const dot = path.indexOf('.');
  if (dot < 0) return [path];
  return [path.slice(0, dot), ...splitPath(path.slice(dot + 1))];
}

/** Replaces `{{name}}` in every string of `value`; an unknown name fails loudly. */
export function substitute<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`Fixture placeholder {{${name}}} has no value yet`);
      return v;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [substitute(k, vars), substitute(v, vars)]),
    ) as T;
  }
  return value;
}

/** Inserts the Tenant URL's own query (`?aadOptscim062020`) before the request's, as Entra does. */
export function withTenantQuery(path: string, query: string | undefined): string {
  if (!query) return path;
  const q = path.indexOf('?');
  return q < 0 ? `${path}?${query}` : `${path.slice(0, q)}?${query}&${path.slice(q + 1)}`;
}

/** A GET carrying only Authorization (node:http adds just Host and Connection). */
export function bareGet(url: string, token: string): Promise<ReplayResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          step: '',
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'] ?? null,
          body: text ? JSON.parse(text) : undefined,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function send(scim: ScimClient, fixture: ReplayFixture, step: ReplayStep): Promise<ReplayResult> {
  const path = withTenantQuery(step.path!, fixture.tenantUrlQuery);
  if (step.bare) return { ...(await bareGet(`${scim.base}${path}`, scim.token)), step: step.name };
  const res = await scim.req(step.method ?? 'GET', path, step.body, step.headers);
  return {
    step: step.name,
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: res.body,
  };
}

function check(step: ReplayStep, res: ReplayResult, vars: Record<string, string>): void {
  const label = { step: step.name };
  if (step.expectStatus !== undefined) {
    expect({ ...label, status: res.status, body: res.status === step.expectStatus ? '' : res.body }).toEqual({
      ...label,
      status: step.expectStatus,
      body: '',
    });
  }
  if (res.body !== undefined)
    expect({ ...label, type: res.contentType }).toEqual({
      ...label,
      type: expect.stringMatching(/^application\/scim\+json/),
    });
  if (step.expect !== undefined)
    expect({ ...label, body: res.body }).toMatchObject({ ...label, body: step.expect });
  for (const path of step.absent ?? [])
    expect({ ...label, path, value: at(res.body, path) }).toEqual({ ...label, path, value: undefined });
  if (step.members !== undefined) {
    const ids = ((res.body?.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
    expect({ ...label, members: ids }).toEqual({ ...label, members: [...step.members].sort() });
  }
  for (const [name, path] of Object.entries(step.save ?? {})) {
    const value = at(res.body, path);
    if (value === undefined || value === null)
      throw new Error(`${step.name}: nothing at ${path} to save as ${name}`);
    vars[name] = String(value);
  }
}

/** Replays a fixture against a tenant; returns every response, in order, for extra assertions. */
export async function replay(
  scim: ScimClient,
  fixture: ReplayFixture,
  vars: Record<string, string> = {},
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const raw of fixture.steps) {
    const group = raw.parallel ?? [raw];
    const steps = group.map((s) =>
      substitute({ ...s, save: undefined, name: s.name }, { ...vars, guid: crypto.randomUUID() }),
    );
    const responses = await Promise.all(steps.map((s) => send(scim, fixture, s)));
    responses.forEach((res, i) => check({ ...steps[i]!, save: group[i]!.save }, res, vars));
    results.push(...responses);
  }
  return results;
}
