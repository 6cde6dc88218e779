import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Dataset } from '../../replay/data';
import { UsageError, checkTarget, parseOptions, type ReplayOptions } from '../../replay/options';
import { Expected, planIncremental } from '../../replay/plan';
import { ScimHttp, retryAfterMs } from '../../replay/http';
import { findListeningPid } from '../../replay/rss';
import { Stats } from '../../replay/stats';
import { expectedState, runReplay, type ReplayResult } from '../../replay/run';
import type { ReplayState } from '../../replay/state';
import { useScimApp } from '../support/use-app';

jest.setTimeout(120_000);

const { db, scim } = useScimApp();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'replay-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZES = { users: 200, groups: 10, memberships: 1000, nesting: 2 };

function options(overrides: Partial<ReplayOptions>): ReplayOptions {
  return {
    url: scim.base,
    token: scim.token,
    allowRemote: false,
    cycle: 'initial',
    ...SIZES,
    concurrency: 8,
    seed: 1,
    membersPerPatch: 25,
    changeRate: 0.05,
    verify: true,
    fresh: false,
    pageSize: 1000,
    ...overrides,
  };
}

async function replay(opts: ReplayOptions, onStep?: (phase: string, done: number) => void) {
  const lines: string[] = [];
  const result = await runReplay(opts, { out: (l) => lines.push(l), progress: 'off', onStep });
  return { result, output: lines.join('\n') };
}

const driftTotal = (r: ReplayResult) => [...(r.drift ?? new Map()).values()].reduce((a, b) => a + b, 0);

async function count(sqlText: string, params: unknown[]): Promise<number> {
  const rows = await db.em().execute<{ n: number }[]>(sqlText, params);
  return rows[0]!.n;
}

async function tenantCounts(domain: string) {
  const users = await count(
    `select count(*)::int as n from app_user where tenant_id = ? and user_name like ?`,
    [scim.tenantId, `%@${domain}`],
  );
  const inactive = await count(
    `select count(*)::int as n from app_user where tenant_id = ? and user_name like ? and not active`,
    [scim.tenantId, `%@${domain}`],
  );
  const userMemberships = await count(
    `select count(*)::int as n from membership m join app_user u on u.id = m.member_user_id
      where m.tenant_id = ? and u.user_name like ?`,
    [scim.tenantId, `%@${domain}`],
  );
  const groupMemberships = await count(
    `select count(*)::int as n from membership m join "group" g on g.id = m.group_id
      where m.tenant_id = ? and m.member_group_id is not null and g.display_name like ?`,
    [scim.tenantId, `Replay ${domain.slice(2, 8)} %`],
  );
  return { users, inactive, userMemberships, groupMemberships };
}

describe('npm run replay against the real service', () => {
  it('plays the initial and an incremental cycle, and reading back finds no drift', async () => {
    const state = path.join(dir, 'full.json');
    const data = new Dataset(1, SIZES);
    const nested = Array.from({ length: SIZES.groups }, (_, g) => data.childGroups(g).length).reduce(
      (a, b) => a + b,
    );
    expect(nested).toBeGreaterThan(0);

    const initial = await replay(options({ state }));
    expect(initial.result.failed).toBe(0);
    expect(driftTotal(initial.result)).toBe(0);
    expect(initial.result.exitCode).toBe(0);
    expect(initial.output).toContain('Verify: read 200 users, 10 groups');
    // Per user a filter then a create; per group the same; 1,000 memberships in PATCHes of ≤ 25.
    const kinds = new Map(initial.result.cycleStats.summary(1).map((s) => [s.kind, s.requests]));
    expect(kinds.get('filter user')).toBe(200);
    expect(kinds.get('create user')).toBe(200);
    expect(kinds.get('filter group')).toBe(10);
    expect(kinds.get('create group')).toBe(10);
    expect(kinds.get('patch members')).toBeGreaterThanOrEqual(1000 / 25);
    expect(await tenantCounts(data.domain)).toEqual({
      users: 200,
      inactive: 0,
      userMemberships: 1000,
      groupMemberships: nested,
    });
    // The service runs in this process: the listening socket's owner found through /proc is us.
    const port = Number(new URL(scim.base).port);
    expect(findListeningPid(port)).toBe(process.pid);
    expect(initial.result.rssPeakBytes).toBeGreaterThan(0);

    const incremental = await replay(options({ state, cycle: 'incremental' }));
    expect(incremental.result.failed).toBe(0);
    expect(driftTotal(incremental.result)).toBe(0);
    expect(incremental.result.exitCode).toBe(0);
    const changes = incremental.result.state.incrementals[0]!.changes;
    const by = (kind: string) => changes.filter((c) => c.kind === kind).length;
    expect(changes).toHaveLength(10); // 5 % of 200
    expect([by('delete'), by('disable'), by('move'), by('update')]).toEqual([1, 2, 2, 5]);
    const expected = expectedState(incremental.result.state, data);
    let memberships = 0;
    for (let g = 0; g < SIZES.groups; g++) memberships += [...expected.members(g)].length;
    expect(await tenantCounts(data.domain)).toEqual({
      users: 199,
      inactive: 2,
      userMemberships: memberships,
      groupMemberships: nested,
    });
    const ikinds = new Map(incremental.result.cycleStats.summary(1).map((s) => [s.kind, s.requests]));
    expect(ikinds.get('disable user')).toBe(2);
    expect(ikinds.get('delete user')).toBe(1);
    expect(ikinds.get('patch members (remove)')).toBe(2);
    expect(ikinds.get('patch user')).toBe(5);

    // The verifier is not blind: a change made behind the replay's back is drift, and the exit status says so.
    const moved = changes.find((c) => c.kind === 'move')!;
    const someone = changes.find((c) => c.kind === 'update')!;
    const id = incremental.result.state.userIds[someone.user]!;
    const changed = await scim.req(
      'PATCH',
      `/Users/${id}`,
      patch('Replace', 'title', 'Changed behind its back'),
    );
    expect(changed.status).toBe(204);
    const groupId = incremental.result.state.groupIds[moved.to]!;
    const userId = incremental.result.state.userIds[moved.user]!;
    expect(
      (await scim.req('PATCH', `/Groups/${groupId}`, patch('Remove', 'members', [{ value: userId }]))).status,
    ).toBe(204);
    const check = await replay(options({ state, cycle: 'none' }));
    expect(check.result.exitCode).toBe(1);
    expect(check.result.drift!.get('user attribute')).toBe(1);
    expect(check.result.drift!.get('membership missing')).toBe(1);
    expect(check.output).toContain('Changed behind its back');
  });

  it('stops when interrupted, saves its state, and a rerun finishes the job without duplicates', async () => {
    const state = path.join(dir, 'resume.json');
    const opts = options({ state, seed: 2, membersPerPatch: 5, concurrency: 4 });
    const data = new Dataset(2, SIZES);

    // Interrupted in the users phase.
    const stop1 = new AbortController();
    const first = await runReplay(opts, {
      out: () => undefined,
      progress: 'off',
      signal: stop1.signal,
      onStep: (phase, done) => phase === 'users' && done >= 80 && stop1.abort(),
    });
    expect(first.exitCode).toBe(130);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as ReplayState;
    const recorded = saved.userIds.filter((id) => id !== null).length;
    expect(recorded).toBeGreaterThanOrEqual(80);
    expect(recorded).toBeLessThan(200);
    // As if the process died before recording the last few creates: the rerun must find them by filter.
    let forgotten = 0;
    for (let i = 0; i < saved.userIds.length && forgotten < 5; i++) {
      if (saved.userIds[i] !== null) {
        saved.userIds[i] = null;
        forgotten++;
      }
    }
    writeFileSync(state, JSON.stringify(saved));

    // Interrupted again in the member PATCHes (5 members per PATCH: 200 + the nested ones).
    const stop2 = new AbortController();
    const second = await runReplay(opts, {
      out: () => undefined,
      progress: 'off',
      signal: stop2.signal,
      onStep: (phase, done) => phase === 'member patches' && done >= 60 && stop2.abort(),
    });
    expect(second.exitCode).toBe(130);
    const kinds = new Map(second.cycleStats.summary(1).map((s) => [s.kind, s.requests]));
    expect(kinds.get('filter user')).toBe(200 - recorded + 5);
    expect(kinds.get('create user')).toBe(200 - recorded); // the 5 forgotten ones were found, not created again
    expect(second.state.initial.complete).toBe(false);

    const last = await replay(opts);
    expect(last.result.exitCode).toBe(0);
    expect(driftTotal(last.result)).toBe(0);
    const lastKinds = new Map(last.result.cycleStats.summary(1).map((s) => [s.kind, s.requests]));
    expect(lastKinds.get('create user')).toBeUndefined();
    expect(lastKinds.get('patch members')).toBeLessThan(200);
    expect((await tenantCounts(data.domain)).users).toBe(200);
    expect((await tenantCounts(data.domain)).userMemberships).toBe(1000);

    // The incremental cycle resumes too.
    const inc = options({
      state,
      seed: 2,
      membersPerPatch: 5,
      concurrency: 2,
      cycle: 'incremental',
      changeRate: 0.1,
    });
    const stop3 = new AbortController();
    const third = await runReplay(inc, {
      out: () => undefined,
      progress: 'off',
      signal: stop3.signal,
      onStep: (phase, done) => phase === 'changes' && done >= 5 && stop3.abort(),
    });
    expect(third.exitCode).toBe(130);
    const resumed = await replay(inc);
    expect(resumed.output).toContain('Resuming incremental cycle 1');
    expect(resumed.result.state.incrementals).toHaveLength(1);
    expect(resumed.result.exitCode).toBe(0);
    expect(driftTotal(resumed.result)).toBe(0);
  });
});

describe('the target', () => {
  it('refuses a host that is not loopback unless --allow-remote', async () => {
    const args = ['--url', 'http://10.20.30.40:3000/scim/v2/acme', '--token', 'secret'];
    expect(() => parseOptions(args)).toThrow(UsageError);
    expect(() => parseOptions(args)).toThrow(/not a loopback address.*--allow-remote/);
    expect(() => parseOptions(['--url', 'https://directory.example.com/scim/v2/x', '--token', 't'])).toThrow(
      /not a loopback/,
    );
    const allowed = parseOptions([...args, '--allow-remote']);
    expect(allowed).toMatchObject({ url: 'http://10.20.30.40:3000/scim/v2/acme', allowRemote: true });
    // runReplay checks as well, before any request or state file.
    await expect(runReplay({ ...(allowed as ReplayOptions), allowRemote: false }, quiet())).rejects.toThrow(
      /not a loopback/,
    );
    for (const url of [
      'http://127.0.0.1:1/x',
      'http://127.8.9.10/x',
      'http://localhost:3000/x',
      'http://[::1]:3000/x',
    ]) {
      expect(checkTarget(url, false).href).toBe(new URL(url).href);
    }
  });

  it('documents its options and takes the token from SCIM_TOKEN', () => {
    expect(parseOptions(['--help'])).toBe('help');
    const opts = parseOptions(['--url', 'http://127.0.0.1:3000/scim/v2/a'], { SCIM_TOKEN: 'from-env' });
    expect(opts).toMatchObject({ token: 'from-env', users: 1000, membersPerPatch: 25, concurrency: 16 });
    expect(() => parseOptions(['--url', 'http://127.0.0.1/x'], {})).toThrow(/SCIM_TOKEN/);
    expect(() =>
      parseOptions([
        '--url',
        'http://127.0.0.1/x',
        '--token',
        't',
        '--memberships',
        '5',
        '--users',
        '1',
        '--groups',
        '2',
      ]),
    ).toThrow(/more than --users × --groups/);
  });
});

describe('the HTTP client', () => {
  it('waits out 429 and 503 with Retry-After, retries and counts them', async () => {
    const seen: { at: number; query: string | undefined; auth: string | undefined }[] = [];
    const server = createServer((req, res) => {
      seen.push({ at: Date.now(), query: req.url, auth: req.headers.authorization });
      const n = seen.length;
      if (n === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else if (n === 2) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.writeHead(200, { 'content-type': 'application/scim+json' }).end('{"totalResults":0}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const stats = new Stats();
    const client = new ScimHttp(
      new URL(`http://127.0.0.1:${port}/scim/v2/t?aadOptscim062020`),
      'tok',
      2,
      stats,
    );
    try {
      const res = await client.send('filter user', 'GET', '/Users?filter=x');
      expect(res).toEqual({ status: 200, body: { totalResults: 0 } });
    } finally {
      client.close();
      server.close();
    }
    expect(seen).toHaveLength(3);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(
      seen.every((s) => s.query === '/scim/v2/t/Users?filter=x&aadOptscim062020' && s.auth === 'Bearer tok'),
    ).toBe(true);
    const [kind] = stats.summary(1);
    expect(kind).toMatchObject({ kind: 'filter user', requests: 3, errors: 2, retries: 2 });
    expect(Object.fromEntries(stats.statuses)).toEqual({ '429': 1, '503': 1 });
    expect(retryAfterMs(undefined)).toBe(1000);
    expect(retryAfterMs(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
  });
});

describe('seed reproducibility', () => {
  const sizes = { users: 500, groups: 12, memberships: 3000, nesting: 3 };
  const snapshot = (seed: number) => {
    const d = new Dataset(seed, sizes);
    const members = Array.from({ length: sizes.groups }, (_, g) =>
      Array.from({ length: d.groupSize(g) }, (_, k) => d.groupMember(g, k)),
    );
    return {
      users: Array.from({ length: sizes.users }, (_, i) => d.userBody(i)),
      groups: Array.from({ length: sizes.groups }, (_, g) => [d.groupBody(g), d.childGroups(g)]),
      members,
      changes: planIncremental(new Expected(d), 1, 0.02),
    };
  };

  it('gives the same directory and the same changes for the same seed, and another for another seed', () => {
    const a = snapshot(42);
    expect(snapshot(42)).toEqual(a);
    const b = snapshot(43);
    expect(b.users[0]).not.toEqual(a.users[0]);
    expect(b.members).not.toEqual(a.members);
    expect(b.changes).not.toEqual(a.changes);
  });

  it('spreads exactly the memberships asked for, each group with distinct members, isInitialMember agreeing', () => {
    const d = new Dataset(42, sizes);
    let total = 0;
    for (let g = 0; g < sizes.groups; g++) {
      const members = Array.from({ length: d.groupSize(g) }, (_, k) => d.groupMember(g, k));
      expect(new Set(members).size).toBe(members.length);
      total += members.length;
      const inGroup = new Set(members);
      for (let u = 0; u < sizes.users; u++) expect(d.isInitialMember(g, u)).toBe(inGroup.has(u));
    }
    expect(total).toBe(sizes.memberships);
  });
});

function patch(op: string, p: string, value: unknown) {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op, path: p, value }] };
}

function quiet() {
  return { out: () => undefined, progress: 'off' as const };
}
