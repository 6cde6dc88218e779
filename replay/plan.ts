import { SCHEMA_ENTERPRISE, DEPARTMENTS, LANGUAGES, TITLES, hash32, phone, pick, prng } from './data';
import type { Dataset, UserData, UserField } from './data';

/** One membership PATCH of the initial cycle: up to members-per-patch users, or the group's child groups. */
export interface MemberPatch {
  group: number;
  users?: number[];
  groups?: number[];
}

/**
 * The initial cycle's membership PATCHes, numbered 0…count-1 in the order they are sent: group by
 * group, each group's users in chunks of `perPatch`, then its child groups. The number is what the
 * state file's bitmap records.
 */
export class PatchLayout {
  readonly count: number;
  private readonly offsets: Float64Array;

  constructor(
    private readonly data: Dataset,
    readonly perPatch: number,
  ) {
    const n = data.sizes.groups;
    this.offsets = new Float64Array(n + 1);
    for (let g = 0; g < n; g++) {
      const chunks =
        Math.ceil(data.groupSize(g) / perPatch) + Math.ceil(data.childGroups(g).length / perPatch);
      this.offsets[g + 1] = this.offsets[g]! + chunks;
    }
    this.count = this.offsets[n]!;
  }

  patch(t: number): MemberPatch {
    let lo = 0;
    let hi = this.data.sizes.groups - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    const g = lo;
    const k = t - this.offsets[g]!;
    const size = this.data.groupSize(g);
    const userChunks = Math.ceil(size / this.perPatch);
    if (k < userChunks) {
      const users: number[] = [];
      for (let j = k * this.perPatch; j < Math.min(size, (k + 1) * this.perPatch); j++) {
        users.push(this.data.groupMember(g, j));
      }
      return { group: g, users };
    }
    const c = k - userChunks;
    return { group: g, groups: this.data.childGroups(g).slice(c * this.perPatch, (c + 1) * this.perPatch) };
  }
}

/** One change of an incremental cycle, as planned (and stored in the state file). */
export type Change =
  | { kind: 'update'; user: number; set: Partial<UserData> }
  | { kind: 'disable'; user: number }
  | { kind: 'move'; user: number; from: number; to: number }
  | { kind: 'delete'; user: number };

/** The SCIM path Entra names each attribute an update changes by. */
export const PATCH_PATH: Partial<Record<UserField, string>> = {
  title: 'title',
  department: `${SCHEMA_ENTERPRISE}:department`,
  familyName: 'name.familyName',
  formatted: 'name.formatted',
  displayName: 'displayName',
  mobile: 'phoneNumbers[type eq "mobile"].value',
  preferredLanguage: 'preferredLanguage',
};

/**
 * What the directory should hold after the initial cycle and every incremental cycle planned so far:
 * the dataset plus the changes. Changes are applied in plan order (a later cycle may touch a user
 * an earlier one moved or disabled).
 */
export class Expected {
  readonly overrides = new Map<number, Partial<UserData>>();
  readonly disabled = new Set<number>();
  readonly deleted = new Set<number>();
  readonly added = new Map<number, Set<number>>();
  readonly removed = new Map<number, Set<number>>();

  constructor(readonly data: Dataset) {}

  apply(change: Change): void {
    switch (change.kind) {
      case 'update':
        this.overrides.set(change.user, { ...this.overrides.get(change.user), ...change.set });
        break;
      case 'disable':
        this.disabled.add(change.user);
        break;
      case 'delete':
        this.deleted.add(change.user);
        break;
      case 'move':
        setOf(this.removed, change.from).add(change.user);
        this.added.get(change.from)?.delete(change.user);
        setOf(this.added, change.to).add(change.user);
        this.removed.get(change.to)?.delete(change.user);
        break;
    }
  }

  user(i: number): UserData {
    return { ...this.data.user(i), ...this.overrides.get(i) };
  }

  isMember(g: number, u: number): boolean {
    if (this.deleted.has(u)) return false;
    if (this.added.get(g)?.has(u)) return true;
    return this.data.isInitialMember(g, u) && !this.removed.get(g)?.has(u);
  }

  /** The user members group g should have (by index). */
  *members(g: number): Generator<number> {
    const size = this.data.groupSize(g);
    const removed = this.removed.get(g);
    for (let k = 0; k < size; k++) {
      const u = this.data.groupMember(g, k);
      if (!this.deleted.has(u) && !removed?.has(u)) yield u;
    }
    for (const u of this.added.get(g) ?? []) {
      // apply() keeps added and removed disjoint, so an initial member in `added` was yielded above.
      if (!this.deleted.has(u) && !this.data.isInitialMember(g, u)) yield u;
    }
  }
}

function setOf(map: Map<number, Set<number>>, key: number): Set<number> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}

/**
 * Plans incremental cycle number `cycle` (1, 2, …) over the current expected state: round(rate ×
 * users) distinct live users, of which 5 % (at least one) are deleted, 20 % disabled, 15 % moved
 * from one group to another and the rest get a PATCH of a couple of attributes. Deterministic in
 * the seed, the sizes, the cycle number and the rate.
 */
export function planIncremental(expected: Expected, cycle: number, rate: number): Change[] {
  const data = expected.data;
  const { users, groups } = data.sizes;
  const live = users - expected.deleted.size;
  const n = Math.min(live, Math.max(1, Math.round(rate * users)));
  if (n === 0) return [];
  const rand = prng(hash32(`${data.tag}:incremental:${cycle}:${rate}`));
  const chosen = new Set<number>();
  while (chosen.size < n) {
    const u = Math.floor(rand() * users);
    if (!expected.deleted.has(u)) chosen.add(u);
  }
  const nDelete = n >= 2 ? Math.max(1, Math.round(n * 0.05)) : 0;
  const nDisable = Math.round(n * 0.2);
  const nMove = groups >= 2 ? Math.round(n * 0.15) : 0;
  const changes: Change[] = [];
  let k = 0;
  for (const user of chosen) {
    const slot = k++;
    if (slot < nDelete) {
      changes.push({ kind: 'delete', user });
      continue;
    }
    if (slot < nDelete + nDisable && !expected.disabled.has(user)) {
      changes.push({ kind: 'disable', user });
      continue;
    }
    if (slot < nDelete + nDisable + nMove) {
      const move = planMove(expected, user, rand);
      if (move) {
        changes.push(move);
        continue;
      }
    }
    changes.push({ kind: 'update', user, set: planUpdate(expected.user(user), rand) });
  }
  return changes;
}

function planMove(expected: Expected, user: number, rand: () => number): Change | undefined {
  const groups = expected.data.sizes.groups;
  const inGroups: number[] = [];
  for (let g = 0; g < groups; g++) if (expected.isMember(g, user)) inGroups.push(g);
  if (inGroups.length === 0 || inGroups.length === groups) return undefined;
  const from = pick(rand, inGroups);
  for (let tries = 0; tries < 1000; tries++) {
    const to = Math.floor(rand() * groups);
    if (!expected.isMember(to, user)) return { kind: 'move', user, from, to };
  }
  return undefined;
}

/** A couple of attributes changed, as a directory change in Entra would: a new job, a new surname or a new phone. */
function planUpdate(current: UserData, rand: () => number): Partial<UserData> {
  switch (Math.floor(rand() * 3)) {
    case 0:
      return {
        title: other(rand, TITLES, current.title),
        department: other(rand, DEPARTMENTS, current.department),
      };
    case 1: {
      const familyName = `${current.familyName}-${pick(rand, ['Lind', 'Moreau', 'Sato', 'Novak', 'Kaur'])}`;
      const displayName = `${current.givenName} ${familyName}`;
      return { familyName, displayName, formatted: displayName };
    }
    default:
      return { mobile: phone(rand), preferredLanguage: other(rand, LANGUAGES, current.preferredLanguage) };
  }
}

function other<T>(rand: () => number, list: readonly T[], current: T): T {
  for (;;) {
    const v = pick(rand, list);
    if (v !== current) return v;
  }
}
