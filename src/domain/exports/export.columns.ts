import { GROUP_DEFINITION } from '../groups/group.definition';
import type { Attribute, ResourceDefinition } from '../schema/attribute';
import { sql, type SqlFragment } from '../sql-fragment';
import { USER_DEFINITION } from '../users/user.definition';
import type { ExportColumn, ExportColumnKind } from './export.types';

/**
 * Headers for attributes whose own name says little outside its parent (`formatted`, `value`).
 * Keyed by SCIM path; every other column is headed by its attribute's name.
 */
const HEADERS: Readonly<Record<string, string>> = {
  'name.formatted': 'formattedName',
  'manager.value': 'managerId',
  'manager.displayName': 'managerDisplayName',
  'meta.created': 'created',
  'meta.lastModified': 'lastModified',
};

/** ISO 8601 in UTC with milliseconds, as SCIM's meta dates read (and as spreadsheets parse). */
const isoUtc = (expr: SqlFragment) =>
  sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function kindOf(a: Attribute): ExportColumnKind {
  return a.type === 'boolean' ? 'boolean' : a.type === 'dateTime' ? 'dateTime' : 'string';
}

function columnOf(path: string, a: Attribute, alias: string): ExportColumn | undefined {
  const storage = a.storage;
  if (!storage || (storage.kind !== 'column' && storage.kind !== 'expression')) return undefined;
  const expr =
    storage.kind === 'column'
      ? sql`${sql.identifier(alias)}.${sql.identifier(storage.column)}`
      : sql.raw(storage.sql);
  const kind = kindOf(a);
  return { header: HEADERS[path] ?? a.name, kind, sql: kind === 'dateTime' ? isoUtc(expr) : expr };
}

/**
 * Every single-valued stored attribute of a definition, in its order: top-level columns and the
 * sub-attributes of singular complex attributes (name, manager, meta). Multi-valued attributes
 * (emails, phone numbers, members, …) have no single cell and are left out; the exports add the
 * few derived columns analysts need (the primary e-mail, member counts) themselves.
 */
export function definitionColumns(def: ResourceDefinition, alias: string): ExportColumn[] {
  const out: ExportColumn[] = [];
  for (const schema of [def.core, ...def.extensions]) {
    for (const a of schema.attributes) {
      if (a.multiValued) continue;
      if (a.type === 'complex') {
        for (const sub of a.subAttributes ?? []) {
          const c = columnOf(`${a.name}.${sub.name}`, sub, alias);
          if (c) out.push(c);
        }
        continue;
      }
      const c = columnOf(a.name, a, alias);
      if (c) out.push(c);
    }
  }
  return out;
}

/**
 * The user's e-mail address for a spreadsheet cell: the primary one, else the first of type work,
 * else the first listed.
 */
const PRIMARY_EMAIL = sql`(select e.v->>'value' from jsonb_array_elements(u.emails) with ordinality e(v, n)
  order by coalesce((e.v->>'primary')::boolean, false) desc, (lower(e.v->>'type') = 'work') desc nulls last, e.n limit 1)`;

/** The users export's columns: the definition's, with `email` after `displayName`. */
export function userColumns(): ExportColumn[] {
  const cols = definitionColumns(USER_DEFINITION, 'u');
  const at = cols.findIndex((c) => c.header === 'displayName') + 1;
  cols.splice(at, 0, { header: 'email', kind: 'string', sql: PRIMARY_EMAIL });
  return cols;
}

/** The groups export's columns: the definition's, then the counts of direct members of each kind. */
export function groupColumns(): ExportColumn[] {
  return [
    ...definitionColumns(GROUP_DEFINITION, 'g'),
    {
      header: 'userMembers',
      kind: 'integer',
      sql: sql`(select count(*)::int from membership m where m.group_id = g.id and m.member_user_id is not null)`,
    },
    {
      header: 'groupMembers',
      kind: 'integer',
      sql: sql`(select count(*)::int from membership m where m.group_id = g.id and m.member_group_id is not null)`,
    },
  ];
}

/** The memberships export's columns (see membershipStatement for how each row is made). */
export const MEMBERSHIP_COLUMNS: readonly Pick<ExportColumn, 'header' | 'kind'>[] = [
  { header: 'groupId', kind: 'string' },
  { header: 'groupDisplayName', kind: 'string' },
  { header: 'userId', kind: 'string' },
  { header: 'userName', kind: 'string' },
  { header: 'kind', kind: 'string' },
  { header: 'depth', kind: 'integer' },
  { header: 'via', kind: 'stringList' },
];
