import { sql, type SqlFragment } from '../sql';
import { getPath, storedFields } from '../schema/record';
import { USER_DEFINITION } from './user.definition';
import type { RoleAssignment, UserAttributes, UserRecord } from './user.types';

/** A JSON key written into SQL text: only names from the definition, which are plain words. */
function key(name: string): SqlFragment {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`Not a state key: ${name}`);
  // Text from user.definition.ts, never from a request (ADR 0008's rule for sql.raw).
  return sql.raw(`'${name}'`);
}

const COMMA = sql`, `;

/**
 * The pairs of jsonb_build_object for a user row `alias`: every stored attribute at its record path
 * (name.givenName, enterprise.department, enterprise.managerId …), derived from the definition.
 */
function attributePairs(alias: string): SqlFragment[] {
  const row = (column: string) => sql`${sql.identifier(alias)}.${sql.identifier(column)}`;
  const top: SqlFragment[] = [];
  const nested = new Map<string, SqlFragment[]>();
  for (const f of storedFields(USER_DEFINITION)) {
    const [head, sub] = f.path;
    if (head === undefined) continue;
    if (sub === undefined) {
      top.push(sql`${key(head)}, ${row(f.column)}`);
    } else {
      const list = nested.get(head) ?? [];
      list.push(sql`${key(sub)}, ${row(f.column)}`);
      nested.set(head, list);
    }
  }
  for (const [head, pairs] of nested) {
    top.push(sql`${key(head)}, jsonb_build_object(${sql.join(pairs, COMMA)})`);
  }
  return top;
}

const cache = new Map<string, SqlFragment[]>();

/**
 * A user's full state as the change feed carries it (docs/changes.md), as a jsonb expression over
 * the app_user row `alias` and its roles JSON (`roles`, e.g. USER_ROLES_JSON or the roles CTEs).
 */
export function userStateJson(alias: 'u' | 'd', roles: SqlFragment): SqlFragment {
  let pairs = cache.get(alias);
  if (!pairs) {
    pairs = attributePairs(alias);
    cache.set(alias, pairs);
  }
  const a = sql.identifier(alias);
  return sql`jsonb_build_object('id', ${a}.id, ${sql.join(pairs, COMMA)}, 'roles', ${roles}::jsonb, 'source', ${a}.source, 'version', ${a}.version, 'createdAt', ${a}.created_at, 'updatedAt', ${a}.updated_at)`;
}

const PATHS = new Map(storedFields(USER_DEFINITION).map((f) => [f.column, f.path] as const));

/** One changed attribute: its value before and after. */
export interface AttributeChange {
  old: unknown;
  new: unknown;
}

/**
 * What a user change altered, keyed by record path (`displayName`, `name.givenName`, `active`,
 * `enterprise.managerId`, `roles`), old → new, for the change feed's user.updated events.
 */
export function userChanges(
  current: UserRecord,
  next: UserAttributes,
  roles: readonly RoleAssignment[] | undefined,
  changed: readonly string[],
): Record<string, AttributeChange> {
  const out: Record<string, AttributeChange> = {};
  for (const column of changed) {
    if (column === 'roles') {
      out.roles = { old: current.roles, new: roles ?? current.roles };
      continue;
    }
    const path = PATHS.get(column);
    if (!path) continue;
    out[path.join('.')] = { old: getPath(current, path) ?? null, new: getPath(next, path) ?? null };
  }
  return out;
}

/** Roles a change assigns (new values) and unassigns (values gone), by role value. */
export function roleDelta(
  before: readonly RoleAssignment[],
  after: readonly RoleAssignment[] | undefined,
): { assigned: RoleAssignment[]; unassigned: RoleAssignment[] } {
  if (after === undefined) return { assigned: [], unassigned: [] };
  const had = new Set(before.map((r) => r.value));
  const has = new Set(after.map((r) => r.value));
  return {
    assigned: after.filter((r) => !had.has(r.value)),
    unassigned: before.filter((r) => !has.has(r.value)),
  };
}
