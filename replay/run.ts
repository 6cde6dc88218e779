import { Dataset, SCHEMA_ENTERPRISE, SCHEMA_PATCH, type UserData } from './data';
import { AbortedError, ScimHttp, type ScimResponse } from './http';
import type { ReplayOptions } from './options';
import { checkTarget, isLoopback } from './options';
import { Expected, PATCH_PATH, PatchLayout, planIncremental, type Change } from './plan';
import { Progress } from './progress';
import { findListeningPid, RssSampler } from './rss';
import { Bitmap, defaultStatePath, loadState, newState, saveState, type ReplayState } from './state';
import { Stats, formatSummary, table } from './stats';

export interface ReplayIO {
  /** Where the report goes, line by line. */
  out: (line: string) => void;
  progress: 'bar' | 'lines' | 'off';
  progressStream?: NodeJS.WritableStream;
  /** Aborting stops sending new requests; in-flight ones finish, the state is saved. */
  signal?: AbortSignal;
  /** Called after each object of a phase is done (tests interrupt with it). */
  onStep?: (phase: string, done: number) => void;
}

export interface ReplayResult {
  exitCode: 0 | 1 | 2 | 130;
  interrupted: boolean;
  /** Steps that failed (not recorded as done: a rerun retries them). */
  failed: number;
  /** Drift by kind; undefined without --verify. */
  drift?: Map<string, number>;
  statePath: string;
  state: ReplayState;
  cycleStats: Stats;
  cycleSeconds: number;
  rssPeakBytes?: number;
}

class StepFailure extends Error {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SCIM resource as read back, of any shape
type ScimResource = Record<string, any>;

const SAVE_EVERY_MS = 5000;
const enc = (filter: string) => encodeURIComponent(filter);
const MiB = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;

export async function runReplay(opts: ReplayOptions, io: ReplayIO): Promise<ReplayResult> {
  const base = checkTarget(opts.url, opts.allowRemote);
  const data = new Dataset(opts.seed, opts);
  const key = {
    url: opts.url,
    seed: opts.seed,
    users: opts.users,
    groups: opts.groups,
    memberships: opts.memberships,
    nesting: opts.nesting,
    membersPerPatch: opts.membersPerPatch,
  };
  const statePath = opts.state ?? defaultStatePath(key);
  const state = (opts.fresh ? undefined : loadState(statePath, key)) ?? newState(key);
  const signal = io.signal ?? new AbortController().signal;
  const progress = new Progress(io.progress, io.progressStream);
  const out = io.out;

  let dirty = false;
  const save = () => {
    saveState(statePath, state);
    dirty = false;
  };
  const saver = setInterval(() => dirty && save(), SAVE_EVERY_MS);
  saver.unref();

  const serverPid =
    opts.serverPid ??
    (isLoopback(base.hostname)
      ? findListeningPid(Number(base.port || (base.protocol === 'https:' ? 443 : 80)))
      : undefined);
  const rss = serverPid !== undefined ? new RssSampler(serverPid).start() : undefined;

  out(
    `Replaying Entra ID against ${opts.url}: seed ${opts.seed}, ${opts.users} users, ${opts.groups} groups, ` +
      `${opts.memberships} memberships, nesting ${opts.nesting}, ${opts.membersPerPatch} members per PATCH, ` +
      `concurrency ${opts.concurrency}`,
  );
  out(`State file: ${statePath}${state.userIds.some((id) => id !== null) ? ' (resuming)' : ''}`);

  const cycleStats = new Stats();
  const http = new ScimHttp(base, opts.token, opts.concurrency, cycleStats, signal);
  const failures = new Map<string, { count: number; examples: string[] }>();
  const fail = (kind: string, message: string) => {
    const f = failures.get(kind) ?? { count: 0, examples: [] };
    f.count++;
    if (f.examples.length < 3) f.examples.push(message);
    failures.set(kind, f);
  };
  const phases: string[][] = [];

  /** Runs work(i) for i in [0, total) not yet done, `concurrency` at a time, until done or interrupted. */
  async function phase(
    label: string,
    total: number,
    isDone: (i: number) => boolean,
    work: (i: number) => Promise<void>,
  ): Promise<void> {
    let done = 0;
    for (let i = 0; i < total; i++) if (isDone(i)) done++;
    const started = performance.now();
    const before = cycleStats.requests;
    progress.start(label, total, done);
    let next = 0;
    const worker = async () => {
      while (!signal.aborted) {
        const i = next++;
        if (i >= total) return;
        if (isDone(i)) continue;
        try {
          await work(i);
          dirty = true;
          progress.increment();
          done++;
          io.onStep?.(label, done);
        } catch (err) {
          if (err instanceof AbortedError) return;
          fail(label, err instanceof StepFailure ? err.message : `${label} #${i}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    phases.push([label, `${done}/${total}`, String(cycleStats.requests - before), seconds.toFixed(1)]);
  }

  const expect = (res: ScimResponse, ok: number[], what: string) => {
    if (!ok.includes(res.status)) {
      const detail =
        typeof res.body === 'object' && res.body ? (res.body.detail ?? '') : String(res.body ?? '');
      throw new StepFailure(`${what}: HTTP ${res.status} ${String(detail).slice(0, 200)}`);
    }
  };

  const findUser = async (userName: string): Promise<string | undefined> => {
    const res = await http.send('filter user', 'GET', `/Users?filter=${enc(`userName eq "${userName}"`)}`);
    expect(res, [200], `filter userName ${userName}`);
    return res.body?.Resources?.[0]?.id as string | undefined;
  };

  const started = performance.now();
  let interrupted = false;
  let exitCode: ReplayResult['exitCode'] = 0;
  let drift: Map<string, number> | undefined;

  try {
    if (opts.cycle === 'initial') {
      if (state.initial.complete) {
        out('The initial cycle is already complete in this state file (--fresh starts over).');
      } else {
        await initialCycle();
      }
    } else if (opts.cycle === 'incremental') {
      if (!state.initial.complete) {
        out('No complete initial cycle in this state file: run --cycle initial first (same arguments).');
        exitCode = 2;
      } else {
        await incrementalCycle();
      }
    }
    interrupted = signal.aborted;
  } finally {
    clearInterval(saver);
    save();
  }
  const cycleSeconds = (performance.now() - started) / 1000;
  rss?.stop();

  if (opts.cycle !== 'none' && exitCode === 0) report(cycleSeconds);
  const failed = [...failures.values()].reduce((s, f) => s + f.count, 0);

  if (interrupted) {
    out(`Interrupted: state saved in ${statePath}; run the same command again to continue.`);
    http.close();
    return {
      exitCode: 130,
      interrupted,
      failed,
      statePath,
      state,
      cycleStats,
      cycleSeconds,
      rssPeakBytes: rss?.peak,
    };
  }
  if (failed > 0) exitCode = 1;
  if (opts.verify && exitCode !== 2) {
    drift = await verify();
    if ([...drift.values()].some((n) => n > 0)) exitCode = 1;
  }
  http.close();
  return {
    exitCode,
    interrupted,
    failed,
    drift,
    statePath,
    state,
    cycleStats,
    cycleSeconds,
    rssPeakBytes: rss?.peak,
  };

  // ------------------------------------------------------------------------------------------
  async function initialCycle(): Promise<void> {
    await phase(
      'users',
      opts.users,
      (i) => state.userIds[i] !== null,
      async (i) => {
        const user = data.user(i);
        let id = await findUser(user.userName);
        if (id === undefined) {
          const res = await http.send('create user', 'POST', '/Users', data.userBody(i));
          if (res.status === 409)
            id = await findUser(user.userName); // created meanwhile (a resent POST)
          else expect(res, [201, 200], `create ${user.userName}`);
          id ??= res.body?.id as string | undefined;
          if (!id) throw new StepFailure(`create ${user.userName}: no id in the answer`);
        }
        state.userIds[i] = id;
      },
    );
    if (signal.aborted) return;
    const findGroup = async (g: number) => {
      const filter = enc(`displayName eq "${data.groupName(g)}"`);
      const res = await http.send(
        'filter group',
        'GET',
        `/Groups?filter=${filter}&excludedAttributes=members`,
      );
      expect(res, [200], `filter group ${data.groupName(g)}`);
      return res.body?.Resources?.[0]?.id as string | undefined;
    };
    await phase(
      'groups',
      opts.groups,
      (g) => state.groupIds[g] !== null,
      async (g) => {
        let id = await findGroup(g);
        if (id === undefined) {
          const res = await http.send('create group', 'POST', '/Groups', data.groupBody(g));
          if (res.status === 409) id = await findGroup(g);
          else expect(res, [201, 200], `create group ${data.groupName(g)}`);
          id ??= res.body?.id as string | undefined;
          if (!id) throw new StepFailure(`create group ${data.groupName(g)}: no id in the answer`);
        }
        state.groupIds[g] = id;
      },
    );
    if (signal.aborted) return;
    if (state.userIds.includes(null) || state.groupIds.includes(null)) return; // failures reported below
    const layout = new PatchLayout(data, opts.membersPerPatch);
    const done = new Bitmap(layout.count, state.initial.patches);
    const saveBitmap = setInterval(() => (state.initial.patches = done.encode()), SAVE_EVERY_MS - 500);
    try {
      await phase(
        'member patches',
        layout.count,
        (t) => done.has(t),
        async (t) => {
          const p = layout.patch(t);
          const ids = p.users
            ? p.users.map((u) => state.userIds[u]!)
            : p.groups!.map((g) => state.groupIds[g]!);
          const res = await http.send('patch members', 'PATCH', `/Groups/${state.groupIds[p.group]}`, {
            schemas: [SCHEMA_PATCH],
            Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }],
          });
          expect(res, [200, 204], `add ${ids.length} members to ${data.groupName(p.group)}`);
          done.set(t);
        },
      );
    } finally {
      clearInterval(saveBitmap);
      state.initial.patches = done.encode();
    }
    state.initial.complete = !signal.aborted && failures.size === 0;
  }

  async function incrementalCycle(): Promise<void> {
    let current = state.incrementals.at(-1);
    if (!current || current.complete) {
      const expected = expectedState(state, data);
      const changes = planIncremental(expected, state.incrementals.length + 1, opts.changeRate);
      current = { rate: opts.changeRate, changes, done: '', complete: false };
      state.incrementals.push(current);
      save();
    } else {
      out(`Resuming incremental cycle ${state.incrementals.length}.`);
    }
    const cycle = current;
    const counts = cycle.changes.reduce<Record<string, number>>(
      (m, c) => ((m[c.kind] = (m[c.kind] ?? 0) + 1), m),
      {},
    );
    out(
      `Incremental cycle ${state.incrementals.length}: ${cycle.changes.length} users changed ` +
        `(${Object.entries(counts)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')})`,
    );
    const done = new Bitmap(cycle.changes.length, cycle.done);
    try {
      await phase(
        'changes',
        cycle.changes.length,
        (c) => done.has(c),
        async (c) => {
          await applyChange(cycle.changes[c]!);
          done.set(c);
          cycle.done = done.encode();
        },
      );
    } finally {
      cycle.done = done.encode();
    }
    cycle.complete = !signal.aborted && failures.size === 0;
  }

  async function applyChange(change: Change): Promise<void> {
    const userName = data.user(change.user).userName;
    const patchUser = async (kind: string, operations: unknown[]) => {
      const id = await findUser(userName);
      if (id === undefined)
        throw new StepFailure(`${change.kind} ${userName}: the userName filter found nobody`);
      const res = await http.send(kind, 'PATCH', `/Users/${id}`, {
        schemas: [SCHEMA_PATCH],
        Operations: operations,
      });
      expect(res, [200, 204], `${change.kind} ${userName}`);
    };
    switch (change.kind) {
      case 'update':
        return patchUser(
          'patch user',
          Object.entries(change.set).map(([field, value]) => ({
            op: 'Replace',
            path: PATCH_PATH[field as keyof UserData],
            value,
          })),
        );
      case 'disable':
        return patchUser('disable user', [{ op: 'Replace', path: 'active', value: 'False' }]);
      case 'move': {
        const id = state.userIds[change.user]!;
        const member = [{ value: id }];
        const removed = await http.send(
          'patch members (remove)',
          'PATCH',
          `/Groups/${state.groupIds[change.from]}`,
          {
            schemas: [SCHEMA_PATCH],
            Operations: [{ op: 'Remove', path: 'members', value: member }],
          },
        );
        expect(removed, [200, 204], `remove ${userName} from ${data.groupName(change.from)}`);
        const added = await http.send(
          'patch members (add)',
          'PATCH',
          `/Groups/${state.groupIds[change.to]}`,
          {
            schemas: [SCHEMA_PATCH],
            Operations: [{ op: 'Add', path: 'members', value: member }],
          },
        );
        expect(added, [200, 204], `add ${userName} to ${data.groupName(change.to)}`);
        return;
      }
      case 'delete': {
        const id = await findUser(userName);
        if (id === undefined) return; // deleted by an interrupted run already
        const res = await http.send('delete user', 'DELETE', `/Users/${id}`);
        expect(res, [204, 200, 404], `delete ${userName}`);
        return;
      }
    }
  }

  function report(seconds: number): void {
    out('');
    out(table(['phase', 'objects done', 'requests', 'seconds'], phases));
    out('');
    out(formatSummary(cycleStats, seconds));
    out('');
    out(`Wall time: ${seconds.toFixed(1)} s`);
    const statuses = [...cycleStats.statuses.entries()].map(([s, n]) => `${s}: ${n}`).join(', ');
    out(`Non-2xx answers by status: ${statuses || 'none'} (429/503 were retried after Retry-After)`);
    if (rss && rss.samples > 0) {
      out(
        `Server RSS (pid ${rss.pid} and its children, sampled every second): peak ${MiB(rss.peak)}, last ${MiB(rss.last)}`,
      );
    } else if (!rss) {
      out('Server RSS: not measured (no local process found listening on the port; --server-pid names one)');
    }
    for (const [kind, f] of failures) {
      out(`Failed ${kind}: ${f.count} (not recorded as done; a rerun retries them), e.g.`);
      for (const e of f.examples) out(`  ${e}`);
    }
  }

  async function verify(): Promise<Map<string, number>> {
    const verifyStats = new Stats();
    const reader = new ScimHttp(base, opts.token, Math.min(opts.concurrency, 4), verifyStats);
    const t0 = performance.now();
    const expected = expectedState(state, data);
    const counts = new Map<string, number>();
    const examples = new Map<string, string[]>();
    const drift = (kind: string, example: string, n = 1) => {
      counts.set(kind, (counts.get(kind) ?? 0) + n);
      const ex = examples.get(kind) ?? [];
      if (ex.length < 3) ex.push(example);
      examples.set(kind, ex);
    };
    const pool = async (n: number, work: (i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(4, opts.concurrency) }, async () => {
          for (let i = next++; i < n; i = next++) await work(i);
        }),
      );
    };

    // Users: every page of GET /Users; this replay's users are recognised by their userName's domain.
    const seen = new Uint8Array(opts.users);
    const checkUser = (r: ScimResource) => {
      const i = data.userIndexOf(String(r.userName ?? ''));
      if (i === undefined) return;
      if (seen[i]!++ > 0) return drift('user duplicated', `${r.userName} is listed twice`);
      if (expected.deleted.has(i)) return drift('deleted user present', `${r.userName} (${r.id})`);
      if (r.id !== state.userIds[i])
        drift('user id', `${r.userName}: id ${r.id}, created as ${state.userIds[i]}`);
      const active = r.active === true;
      if (active === expected.disabled.has(i)) {
        drift(
          'user active',
          `${r.userName}: active ${String(r.active)}, expected ${!expected.disabled.has(i)}`,
        );
      }
      const wrong = userDiff(expected.user(i), r);
      if (wrong.length > 0) drift('user attribute', `${r.userName}: ${wrong.join('; ')}`);
    };
    const first = await reader.send(
      'verify: list users',
      'GET',
      `/Users?startIndex=1&count=${opts.pageSize}`,
    );
    if (first.status !== 200) {
      drift('unreadable', `GET /Users: HTTP ${first.status}`);
    } else {
      const total = Number(first.body.totalResults ?? 0);
      const page = (first.body.Resources ?? []) as ScimResource[];
      page.forEach(checkUser);
      const size = page.length;
      const starts: number[] = [];
      if (size > 0) for (let s = 1 + size; s <= total; s += size) starts.push(s);
      await pool(starts.length, async (k) => {
        const res = await reader.send(
          'verify: list users',
          'GET',
          `/Users?startIndex=${starts[k]}&count=${size}`,
        );
        if (res.status !== 200)
          return drift('unreadable', `GET /Users?startIndex=${starts[k]}: HTTP ${res.status}`);
        ((res.body.Resources ?? []) as ScimResource[]).forEach(checkUser);
      });
      for (let i = 0; i < opts.users; i++) {
        if (seen[i] === 0 && !expected.deleted.has(i)) drift('user missing', data.user(i).userName);
      }
    }

    // Groups: each one read with its members.
    let memberships = 0;
    await pool(opts.groups, async (g) => {
      const id = state.groupIds[g];
      if (!id) return drift('group missing', `${data.groupName(g)} (never created)`);
      const res = await reader.send('verify: get group', 'GET', `/Groups/${id}`);
      if (res.status === 404) return drift('group missing', `${data.groupName(g)} (${id})`);
      if (res.status !== 200) return drift('unreadable', `GET /Groups/${id}: HTTP ${res.status}`);
      if (res.body.displayName !== data.groupName(g) || res.body.externalId !== data.groupExternalId(g)) {
        drift('group attribute', `${id}: ${res.body.displayName} / ${res.body.externalId}`);
      }
      const actual = new Set<string>(((res.body.members ?? []) as { value: string }[]).map((m) => m.value));
      const want = new Set<string>();
      for (const u of expected.members(g)) want.add(state.userIds[u]!);
      for (const c of data.childGroups(g)) want.add(state.groupIds[c]!);
      memberships += want.size;
      let missing = 0;
      let extra = 0;
      for (const v of want) if (!actual.has(v)) missing++;
      for (const v of actual) if (!want.has(v)) extra++;
      if (missing > 0)
        drift('membership missing', `${data.groupName(g)}: ${missing} of ${want.size} missing`, missing);
      if (extra > 0) drift('membership extra', `${data.groupName(g)}: ${extra} unexpected`, extra);
    });
    reader.close();

    const seconds = (performance.now() - t0) / 1000;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    out('');
    out(
      `Verify: read ${opts.users - expected.deleted.size} users, ${opts.groups} groups and ${memberships} memberships ` +
        `back in ${seconds.toFixed(1)} s: drift ${total}`,
    );
    for (const [kind, n] of counts) {
      out(`  ${kind}: ${n}`);
      for (const e of examples.get(kind) ?? []) out(`    e.g. ${e}`);
    }
    out(formatSummary(verifyStats, seconds));
    return counts;
  }
}

/** The expected directory: the dataset with every change recorded as done in the state file. */
export function expectedState(state: ReplayState, data: Dataset): Expected {
  const expected = new Expected(data);
  for (const cycle of state.incrementals) {
    const done = new Bitmap(cycle.changes.length, cycle.done);
    cycle.changes.forEach((c, i) => {
      if (cycle.complete || done.has(i)) expected.apply(c);
    });
  }
  return expected;
}

function userDiff(want: UserData, r: ScimResource): string[] {
  const mobile = (r.phoneNumbers ?? []).find((p: { type?: string }) => p.type === 'mobile')?.value;
  const email = (r.emails ?? []).find((e: { type?: string }) => e.type === 'work')?.value;
  const ext = r[SCHEMA_ENTERPRISE] ?? {};
  const got: Partial<Record<keyof UserData, unknown>> = {
    userName: r.userName,
    externalId: r.externalId,
    givenName: r.name?.givenName,
    familyName: r.name?.familyName,
    formatted: r.name?.formatted,
    displayName: r.displayName,
    email,
    mobile,
    title: r.title,
    department: ext.department,
    employeeNumber: ext.employeeNumber,
    preferredLanguage: r.preferredLanguage,
  };
  return Object.entries(got)
    .filter(([k, v]) => v !== want[k as keyof UserData])
    .map(([k, v]) => `${k} ${JSON.stringify(v)} ≠ ${JSON.stringify(want[k as keyof UserData])}`);
}
