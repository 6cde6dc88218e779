/**
 * Property: at every instant a sequence of membership changes passed through, the asOf answers
 * (direct and transitive members, a user's groups, checkMembership) equal an in-memory replay of
 * the sequence. The changes go through the real paths: SCIM PATCH / PUT / DELETE over HTTP and the
 * domain service (several commands in one transaction), so the triggers see what production does.
 * Seeded (HISTORY_SEED=n to replay a failure); the seed is in the test name.
 */
import type { DirectoryContext } from '../../src/domain/context';
import { changeGroup } from '../../src/domain/groups/group.service';
import { checkMembership } from '../../src/domain/memberships/membership.graph';
import { groupsContaining, membersOf } from '../../src/domain/memberships/membership.pages';
import { SCHEMA_PATCH_OP as PATCH_OP } from '../../src/scim/protocol/schemas';
import { tenantContext } from '../support/factories';
import { useScimApp } from '../support/use-app';

const SEED = Number(process.env.HISTORY_SEED ?? 20261207);
const STEPS = Number(process.env.HISTORY_STEPS ?? 200);

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}

type Kind = 'User' | 'Group';

/** The directory as the replay sees it: who exists, and the direct membership edges. */
class Model {
  users = new Set<string>();
  groups = new Set<string>();
  /** group id → member id → kind */
  edges = new Map<string, Map<string, Kind>>();

  clone(): Model {
    const m = new Model();
    m.users = new Set(this.users);
    m.groups = new Set(this.groups);
    for (const [g, ms] of this.edges) m.edges.set(g, new Map(ms));
    return m;
  }
  members(g: string): Map<string, Kind> {
    let ms = this.edges.get(g);
    if (!ms) this.edges.set(g, (ms = new Map()));
    return ms;
  }
  add(g: string, id: string, kind: Kind) {
    this.members(g).set(id, kind);
  }
  remove(g: string, id: string) {
    this.members(g).delete(id);
  }
  deleteUser(id: string) {
    this.users.delete(id);
    for (const ms of this.edges.values()) ms.delete(id);
  }
  deleteGroup(id: string) {
    this.groups.delete(id);
    this.edges.delete(id);
    for (const ms of this.edges.values()) ms.delete(id);
  }
  /** Every member reachable from g (users and groups), through nested groups. */
  allMembers(g: string): Set<string> {
    const out = new Set<string>();
    const walk = (x: string) => {
      for (const [id, kind] of this.edges.get(x) ?? []) {
        if (out.has(id)) continue;
        out.add(id);
        if (kind === 'Group') walk(id);
      }
    };
    walk(g);
    return out;
  }
  /** Every group containing `id`, directly or through nesting. */
  groupsOf(id: string): Set<string> {
    return new Set([...this.edges.keys()].filter((g) => this.allMembers(g).has(id)));
  }
  wouldCycle(parent: string, child: string): boolean {
    return parent === child || this.allMembers(child).has(parent);
  }
  everHadMembership = new Set<string>();
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

const { db, scim } = useScimApp();

describe('membership history (property)', () => {
  it(`answers asOf like a replay at every step (seed ${SEED}, ${STEPS} steps)`, async () => {
    const rnd = prng(SEED);
    const ctx: DirectoryContext = {
      ...tenantContext(db, scim.tenantId),
      actor: { kind: 'apiKey', id: 'prop' },
    };
    const model = new Model();
    const everUsers: string[] = [];
    const everGroups: string[] = [];
    let serial = 0;

    const createUser = async () => {
      const res = await scim.req('POST', '/Users', { userName: `p${serial++}@example.com`, active: true });
      expect(res.status).toBe(201);
      model.users.add(res.body.id);
      everUsers.push(res.body.id);
    };
    const createGroup = async () => {
      const res = await scim.req('POST', '/Groups', { displayName: `G${serial++}`, members: [] });
      expect(res.status).toBe(201);
      model.groups.add(res.body.id);
      everGroups.push(res.body.id);
    };
    /** A group PATCH: 204 when it succeeds (no representation asked for), else its status. */
    const patch = async (g: string, ops: unknown[]) => {
      const res = await scim.req('PATCH', `/Groups/${g}`, { schemas: [PATCH_OP], Operations: ops });
      return { status: res.status === 204 ? 200 : res.status };
    };
    const ref = (id: string) => ({ value: id });
    const noteMember = (id: string) => model.everHadMembership.add(id);

    for (let i = 0; i < 6; i++) await createUser();
    for (let i = 0; i < 4; i++) await createGroup();

    const snapshots: Array<{ at: Date; model: Model; step: string }> = [];
    const tick = async (step: string) => {
      const at = Date.now() + 1;
      while (Date.now() <= at) await new Promise((r) => setTimeout(r, 1));
      snapshots.push({ at: new Date(at), model: model.clone(), step });
    };

    for (let s = 0; s < STEPS; s++) {
      const users = [...model.users];
      const groups = [...model.groups];
      if (users.length < 3) {
        await createUser();
        await tick('create user');
        continue;
      }
      if (groups.length < 3) {
        await createGroup();
        await tick('create group');
        continue;
      }
      const g = rnd.pick(groups);
      const u = rnd.pick(users);
      const r = rnd.int(100);
      let step: string;
      if (r < 25) {
        const us = [u, rnd.pick(users)];
        expect((await patch(g, [{ op: 'add', path: 'members', value: us.map(ref) }])).status).toBe(200);
        for (const x of us) {
          model.add(g, x, 'User');
          noteMember(x);
        }
        step = 'SCIM add users';
      } else if (r < 40) {
        const present = [...model.members(g).keys()];
        const x = present.length > 0 && rnd.int(4) > 0 ? rnd.pick(present) : u;
        expect((await patch(g, [{ op: 'remove', path: `members[value eq "${x}"]` }])).status).toBe(200);
        model.remove(g, x);
        step = 'SCIM remove member';
      } else if (r < 55) {
        const child = rnd.pick(groups);
        const res = await patch(g, [{ op: 'add', path: 'members', value: [ref(child)] }]);
        if (model.wouldCycle(g, child)) {
          expect(res.status).toBe(400);
          step = 'SCIM nest (cycle refused)';
        } else {
          expect(res.status).toBe(200);
          model.add(g, child, 'Group');
          noteMember(child);
          step = 'SCIM nest group';
        }
      } else if (r < 63) {
        // Remove and re-add in one PATCH: one transaction, so never absent.
        const x = rnd.pick([...model.members(g).keys(), u]);
        const kind: Kind = model.users.has(x) ? 'User' : 'Group';
        expect(
          (
            await patch(g, [
              { op: 'remove', path: `members[value eq "${x}"]` },
              { op: 'add', path: 'members', value: [ref(x)] },
            ])
          ).status,
        ).toBe(200);
        model.add(g, x, kind);
        noteMember(x);
        step = 'SCIM remove + re-add';
      } else if (r < 70) {
        // Add then remove in one transaction through the service: never observable.
        const before = model.members(g).has(u);
        await changeGroup(ctx, g, [
          { kind: 'addMembers', members: [ref(u)] },
          { kind: 'removeMembers', ids: [u] },
        ]);
        if (before) model.remove(g, u);
        step = 'service add + remove';
      } else if (r < 76) {
        const keep = [...model.members(g).entries()].filter(() => rnd.int(2) === 0);
        const extra = rnd.pick(users);
        const res = await scim.req('PUT', `/Groups/${g}`, {
          displayName: `G-put-${serial++}`,
          members: [...keep.map(([id]) => ref(id)), ref(extra)],
        });
        expect(res.status).toBe(200);
        model.edges.set(g, new Map([...keep, [extra, 'User']]));
        noteMember(extra);
        step = 'SCIM PUT members';
      } else if (r < 84) {
        expect((await scim.req('DELETE', `/Users/${u}`)).status).toBe(204);
        model.deleteUser(u);
        step = 'SCIM delete user';
      } else if (r < 89) {
        expect((await scim.req('DELETE', `/Groups/${g}`)).status).toBe(204);
        model.deleteGroup(g);
        step = 'SCIM delete group';
      } else if (r < 95) {
        await createUser();
        step = 'create user';
      } else {
        await createGroup();
        step = 'create group';
      }
      await tick(step);
    }

    // Every recorded instant, checked after all the steps: later changes must not rewrite the past.
    const page = { first: 500, withTotal: true };
    const check = async (k: number, snap: (typeof snapshots)[number], asked: string[]) => {
      const where = `step ${k} (${snap.step}) at ${snap.at.toISOString()}`;
      const m = snap.model;
      const groupIds = [...m.groups];
      const direct = await membersOf(ctx, groupIds, 'DIRECT', 'Any', page, snap.at);
      const all = await membersOf(ctx, groupIds, 'ALL', 'Any', page, snap.at);
      for (const g of groupIds) {
        expect({ where, g, direct: sorted(direct.get(g)!.items.map((x) => x.id)) }).toEqual({
          where,
          g,
          direct: sorted(m.members(g).keys()),
        });
        expect({ where, g, all: sorted(all.get(g)!.items.map((x) => x.id)) }).toEqual({
          where,
          g,
          all: sorted(m.allMembers(g)),
        });
        expect(all.get(g)!.total).toBe(m.allMembers(g).size);
      }
      const userIds = [...m.users];
      const containing = await groupsContaining(ctx, userIds, 'ALL', page, snap.at);
      for (const u of userIds) {
        expect({ where, u, groups: sorted(containing.get(u)?.items.map((x) => x.id) ?? []) }).toEqual({
          where,
          u,
          groups: sorted(m.groupsOf(u)),
        });
      }
      // checkMembership for two users (one perhaps deleted by now), among every group there ever was.
      for (const u of asked) {
        const expected = everGroups.filter((g) => m.groupsOf(u).has(g));
        const gone = !model.users.has(u) && !model.everHadMembership.has(u);
        const got = checkMembership(ctx, u, everGroups, snap.at);
        if (gone) await expect(got).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
        else expect({ where, u, in: await got }).toEqual({ where, u, in: expected });
      }
    };
    // Four instants at a time (the picks are drawn up front, so the run stays reproducible).
    const jobs = snapshots.map((snap, k) => {
      const asked = [rnd.pick(everUsers), rnd.pick([...snap.model.users])];
      return () => check(k, snap, asked);
    });
    for (let i = 0; i < jobs.length; i += 4) await Promise.all(jobs.slice(i, i + 4).map((job) => job()));
    // And now, without asOf: the live tables agree with the last step.
    const last = snapshots[snapshots.length - 1]!.model;
    const live = await membersOf(ctx, [...last.groups], 'ALL', 'Any', page);
    for (const g of last.groups)
      expect(sorted(live.get(g)!.items.map((x) => x.id))).toEqual(sorted(last.allMembers(g)));
    expect(snapshots.length).toBe(STEPS);
  });
});
