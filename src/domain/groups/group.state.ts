import { sql, type SqlFragment } from '../sql';

/**
 * A group's state as the change feed carries it (docs/changes.md), as a jsonb expression over the
 * "group" row `alias`. Members are not part of it: a group may have 100,000, and each change to
 * them is an event of its own (group.member_added / group.member_removed).
 */
export function groupStateJson(alias: 'g' | 'd' | 'pg'): SqlFragment {
  const a = sql.identifier(alias);
  return sql`jsonb_build_object('id', ${a}.id, 'displayName', ${a}.display_name, 'externalId', ${a}.external_id, 'source', ${a}.source, 'version', ${a}.version, 'createdAt', ${a}.created_at, 'updatedAt', ${a}.updated_at)`;
}
