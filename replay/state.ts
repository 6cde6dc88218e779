import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sizes } from './data';
import type { Change } from './plan';

/**
 * What a replay has done so far, so a rerun with the same arguments continues where it stopped:
 * the SCIM id of every user and group created (null: not yet), the initial cycle's membership
 * PATCHes sent (a bitmap over PatchLayout's numbering) and each incremental cycle's plan with the
 * changes done. Written every few seconds while running, and when interrupted.
 */
export interface ReplayState {
  version: 1;
  key: StateKey;
  userIds: (string | null)[];
  groupIds: (string | null)[];
  initial: { patches: string; complete: boolean };
  incrementals: Array<{ rate: number; changes: Change[]; done: string; complete: boolean }>;
}

export interface StateKey extends Sizes {
  url: string;
  seed: number;
  membersPerPatch: number;
}

/** `.replay/<hash of url, seed, sizes and members-per-patch>.json` under the working directory. */
export function defaultStatePath(key: StateKey): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(keyTuple(key)))
    .digest('hex')
    .slice(0, 16);
  return path.join('.replay', `${hash}.json`);
}

function keyTuple(k: StateKey): unknown[] {
  return [k.url, k.seed, k.users, k.groups, k.memberships, k.nesting, k.membersPerPatch];
}

export function newState(key: StateKey): ReplayState {
  return {
    version: 1,
    key,
    userIds: new Array<string | null>(key.users).fill(null),
    groupIds: new Array<string | null>(key.groups).fill(null),
    initial: { patches: '', complete: false },
    incrementals: [],
  };
}

/** The saved state, or undefined if there is none; throws if it was made with other arguments. */
export function loadState(file: string, key: StateKey): ReplayState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const state = JSON.parse(text) as ReplayState;
  if (JSON.stringify(keyTuple(state.key)) !== JSON.stringify(keyTuple(key))) {
    throw new Error(
      `${file} belongs to another replay (${JSON.stringify(state.key)}); pass other --state, or --fresh to overwrite it`,
    );
  }
  return state;
}

/** Writes atomically (a temporary file renamed over the old one), so an interrupted write loses nothing. */
export function saveState(file: string, state: ReplayState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** A bitmap of done steps, stored base64 in the state file. */
export class Bitmap {
  readonly bytes: Uint8Array;

  constructor(
    readonly size: number,
    encoded = '',
  ) {
    this.bytes = new Uint8Array(Math.ceil(size / 8));
    if (encoded !== '') this.bytes.set(Buffer.from(encoded, 'base64').subarray(0, this.bytes.length));
  }

  has(i: number): boolean {
    return (this.bytes[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  set(i: number): void {
    this.bytes[i >> 3]! |= 1 << (i & 7);
  }

  encode(): string {
    return Buffer.from(this.bytes).toString('base64');
  }
}
