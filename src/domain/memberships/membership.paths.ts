import type { DirectoryContext } from '../context';
import { rowToGroup } from '../groups/group.row';
import type { GroupRecord } from '../groups/group.types';
import { isUuid, pgArray, query, sql } from '../sql';

/** A group a user is in, with the shortest chain of groups that puts the user there. */
export interface GroupPath {
  group: GroupRecord;
  /** 1 for a group the user is directly in. */
  depth: number;
  /** From a group the user is directly in up to `group` (the same chain membershipPath gives). */
  path: GroupRecord[];
}

/** Nesting deeper than this is not followed (as in membershipPath). */
const MAX_DEPTH = 64;

/**
 * Every group each of these users is in, directly or through nested groups, each with its
 * shortest path, in one statement for all the users: the walk keeps one row per (group, reached
 * from, depth), so shared sub-hierarchies never multiply into every path; the path is rebuilt from
 * each group's shortest "reached from". Ordered by depth, then displayName; at most `limit` a user.
 */
export async function groupPathsOf(
  ctx: DirectoryContext,
  userIds: readonly string[],
  limit: number,
): Promise<Map<string, GroupPath[]>> {
  const ids = [...new Set(userIds.filter(isUuid).map((id) => id.toLowerCase()))];
  const out = new Map<string, GroupPath[]>();
  if (ids.length === 0) return out;
  const rows = await query(
    ctx.em,
    sql`with recursive walk(uid, gid, via, depth) as (
       select m.member_user_id, m.group_id, null::uuid, 1 from membership m
       where m.member_id = any(${pgArray(ids)}::uuid[]) and m.member_user_id is not null and m.tenant_id = ${ctx.tenantId}
       union
       select w.uid, m.group_id, w.gid, w.depth + 1 from walk w join membership m on m.member_group_id = w.gid
       where w.depth < ${MAX_DEPTH}
     ),
     best as (select distinct on (uid, gid) uid, gid, via, depth from walk order by uid, gid, depth, via)
     select b.uid, b.via, b.depth, g.* from best b join "group" g on g.id = b.gid
     order by b.uid, b.depth, lower(g.display_name), g.id`,
  );
  const byUser = new Map<string, Array<{ via: string | null; depth: number; group: GroupRecord }>>();
  for (const r of rows) {
    const uid = String(r.uid);
    const list = byUser.get(uid) ?? [];
    list.push({ via: (r.via as string | null) ?? null, depth: Number(r.depth), group: rowToGroup(r) });
    byUser.set(uid, list);
  }
  for (const [uid, list] of byUser) {
    const byGroup = new Map(list.map((e) => [e.group.id, e]));
    out.set(
      uid,
      list.slice(0, limit).map((e) => {
        const path: GroupRecord[] = [];
        for (let cur: typeof e | undefined = e; cur; cur = cur.via ? byGroup.get(cur.via) : undefined) {
          path.unshift(cur.group);
          if (path.length > MAX_DEPTH) break;
        }
        return { group: e.group, depth: e.depth, path };
      }),
    );
  }
  return out;
}
