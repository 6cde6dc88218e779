import { createHash } from 'node:crypto';

/**
 * The directory a replay provisions, derived from the seed and the sizes alone: user i, group g and
 * who is in which group are computed on demand (nothing is stored per user beyond its SCIM id), so
 * the same seed and sizes always give the same data, and a resumed or verifying run recomputes
 * exactly what the first run sent.
 */

export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCHEMA_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Sizes {
  users: number;
  groups: number;
  /** User memberships (user-in-group); nested group-in-group memberships come on top. */
  memberships: number;
  /** Levels of groups inside groups (0: groups hold only users). */
  nesting: number;
}

/** The attributes of one user, as Entra would map them from the source directory. */
export interface UserData {
  userName: string;
  externalId: string;
  givenName: string;
  familyName: string;
  formatted: string;
  displayName: string;
  email: string;
  mobile: string;
  title: string;
  department: string;
  employeeNumber: string;
  preferredLanguage: string;
}

export type UserField = keyof UserData;

/** A string hash to 32 bits (FNV-1a), to seed the generator per object. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG with a 32-bit state; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

const GIVEN = [
  'Ada', 'Alan', 'Amara', 'Ben', 'Chen', 'Dana', 'Elif', 'Emma', 'Farah', 'Grace', 'Hugo', 'Ines', 'Ivan',
  'Jonas', 'Kenji', 'Lena', 'Liam', 'Maya', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven',
  'Tariq', 'Uma', 'Vera', 'Wei', 'Yara', 'Zoë', 'Ørjan',
]; // prettier-ignore
const FAMILY = [
  'Adams', 'Berg', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Hansen', 'Ito', 'Jansen',
  'Kowalski', 'Lopez', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Tanaka',
  'Umar', 'Vasquez', 'Weber', 'Xu', 'Yilmaz', 'Zhang', "O'Brien", 'van der Berg',
]; // prettier-ignore
export const DEPARTMENTS = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Legal', 'Support', 'Operations', 'Research', 'People',
  'Security',
]; // prettier-ignore
export const TITLES = [
  'Engineer', 'Senior Engineer', 'Manager', 'Director', 'Analyst', 'Consultant', 'Specialist', 'Associate',
  'Lead', 'Coordinator',
]; // prettier-ignore
export const LANGUAGES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP', 'nl-NL', 'pt-BR'];

export function phone(rand: () => number): string {
  const n = () => Math.floor(rand() * 10);
  return `+1 (555) ${n()}${n()}${n()}-${n()}${n()}${n()}${n()}`;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** x⁻¹ mod m (gcd(x, m) = 1), by the extended Euclidean algorithm. */
function modInverse(x: number, m: number): number {
  if (m === 1) return 0;
  let [oldR, r] = [x, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/** (a · b) mod m without losing precision past 2^53. */
function mulMod(a: number, b: number, m: number): number {
  if (a * b < Number.MAX_SAFE_INTEGER) return (a * b) % m;
  return Number((BigInt(a) * BigInt(b)) % BigInt(m));
}

export function validateSizes(s: Sizes): string | undefined {
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 0) return `--${k} must be a whole number ≥ 0 (got ${v})`;
  }
  if (s.memberships > s.users * s.groups) {
    return `--memberships ${s.memberships} is more than --users × --groups (${s.users * s.groups})`;
  }
  if (s.nesting > 0 && s.groups < s.nesting + 1)
    return `--nesting ${s.nesting} needs at least ${s.nesting + 1} groups`;
  return undefined;
}

export class Dataset {
  /** Names every object of this seed and size, so two replays into one tenant do not collide. */
  readonly tag: string;
  /** userNames and e-mails end with `@<domain>`; the verifier recognises this replay's users by it. */
  readonly domain: string;
  private readonly sizeOf: Int32Array;
  private readonly start: Int32Array;
  private readonly stride: Int32Array;
  private readonly inverse: Float64Array;

  constructor(
    readonly seed: number,
    readonly sizes: Sizes,
  ) {
    const { users, groups, memberships } = sizes;
    this.tag = createHash('sha256')
      .update(JSON.stringify([seed, users, groups, memberships, sizes.nesting]))
      .digest('hex')
      .slice(0, 6);
    this.domain = `rp${this.tag}.replay.example`;
    this.sizeOf = new Int32Array(groups);
    this.start = new Int32Array(groups);
    this.stride = new Int32Array(groups);
    this.inverse = new Float64Array(groups);
    if (groups === 0 || users === 0) return;

    // Group sizes: weights in [0.25, 1.75), so groups differ in size, scaled to the membership total.
    const rand = prng(hash32(`${this.tag}:sizes`));
    const weights = Array.from({ length: groups }, () => 0.25 + rand() * 1.5);
    const total = weights.reduce((a, b) => a + b, 0);
    let assigned = 0;
    for (let g = 0; g < groups; g++) {
      this.sizeOf[g] = Math.min(users, Math.floor((memberships * weights[g]!) / total));
      assigned += this.sizeOf[g]!;
    }
    for (let g = 0; assigned < memberships; g = (g + 1) % groups) {
      if (this.sizeOf[g]! < users) {
        this.sizeOf[g]! += 1;
        assigned++;
      }
    }
    // Group g holds users start, start + stride, start + 2·stride, … (mod users): with the stride
    // coprime to the user count these are distinct, and membership is one multiplication to test.
    for (let g = 0; g < groups; g++) {
      const r = prng(hash32(`${this.tag}:group:${g}:members`));
      this.start[g] = Math.floor(r() * users);
      let s = users === 1 ? 1 : 1 + Math.floor(r() * (users - 1));
      while (gcd(s, users) !== 1) s = (s % (users - 1)) + 1;
      this.stride[g] = s;
      this.inverse[g] = modInverse(s, users);
    }
  }

  user(i: number): UserData {
    const rand = prng(hash32(`${this.tag}:user:${i}`));
    const givenName = pick(rand, GIVEN);
    const familyName = pick(rand, FAMILY);
    const local = `${ascii(givenName)}.${ascii(familyName)}.${i}`;
    const displayName = `${givenName} ${familyName}`;
    return {
      userName: `${local}@${this.domain}`,
      externalId: local,
      givenName,
      familyName,
      formatted: displayName,
      displayName,
      email: `${local}@${this.domain}`,
      mobile: phone(rand),
      title: pick(rand, TITLES),
      department: pick(rand, DEPARTMENTS),
      employeeNumber: String(100000 + i),
      preferredLanguage: pick(rand, LANGUAGES),
    };
  }

  /** The index of the user whose userName this is, if it is one of this replay's. */
  userIndexOf(userName: string): number | undefined {
    const m = /\.(\d+)@(.+)$/.exec(userName);
    if (!m || m[2]!.toLowerCase() !== this.domain) return undefined;
    const i = Number(m[1]);
    return i < this.sizes.users ? i : undefined;
  }

  groupName(g: number): string {
    return `Replay ${this.tag} ${DEPARTMENTS[g % DEPARTMENTS.length]} ${g}`;
  }

  groupExternalId(g: number): string {
    return `rp${this.tag}-group-${g}`;
  }

  /** User members of group g in the initial cycle. */
  groupSize(g: number): number {
    return this.sizeOf[g]!;
  }

  /** The k-th user member of group g (0 ≤ k < groupSize(g)). */
  groupMember(g: number, k: number): number {
    return (this.start[g]! + mulMod(k, this.stride[g]!, this.sizes.users)) % this.sizes.users;
  }

  /** Whether the initial cycle puts user u in group g. */
  isInitialMember(g: number, u: number): boolean {
    const n = this.sizes.users;
    const k = mulMod((u - this.start[g]! + n) % n, this.inverse[g]!, n);
    return k < this.sizeOf[g]!;
  }

  /**
   * Groups inside group g. With nesting N, group g sits at level g mod (N + 1); a group above level 0
   * holds one or two groups of the level below (g - 1, g - N - 2), so chains are N deep and acyclic.
   */
  childGroups(g: number): number[] {
    const n = this.sizes.nesting;
    if (n === 0 || g % (n + 1) === 0) return [];
    const out = [g - 1];
    if (g - n - 2 >= 0) out.push(g - n - 2);
    return out;
  }

  /** The POST /Users body Entra sends for user i (default attribute mappings plus title and two enterprise attributes). */
  userBody(i: number): Record<string, unknown> {
    const u = this.user(i);
    return {
      schemas: [SCHEMA_USER, SCHEMA_ENTERPRISE],
      externalId: u.externalId,
      userName: u.userName,
      active: true,
      displayName: u.displayName,
      title: u.title,
      name: { formatted: u.formatted, familyName: u.familyName, givenName: u.givenName },
      emails: [{ primary: true, type: 'work', value: u.email }],
      phoneNumbers: [{ type: 'mobile', value: u.mobile }],
      preferredLanguage: u.preferredLanguage,
      [SCHEMA_ENTERPRISE]: { employeeNumber: u.employeeNumber, department: u.department },
      meta: { resourceType: 'User' },
    };
  }

  groupBody(g: number): Record<string, unknown> {
    return {
      schemas: [SCHEMA_GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: this.groupExternalId(g),
      displayName: this.groupName(g),
      members: [],
    };
  }
}

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
