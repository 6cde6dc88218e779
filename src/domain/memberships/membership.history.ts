/**
 * Membership at past instants (ADR 0011). Triggers on `membership` keep each direct membership's
 * validity interval [valid_from, valid_to) in `membership_interval`; this module says who acted,
 * and gives the queries "the membership rows valid at T" to walk instead of the live table.
 */
import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { rowToGroup, type GroupRow } from '../groups/group.row';
import type { GroupRecord, MemberType } from '../groups/group.types';
import { decodeKeyset, encodeKeyset, type Page } from '../paging';
import { isUuid, pgArray, query, sql, type SqlFragment } from '../sql';

/**
 * A condition (always true) that sets the transaction-local actor and request id the history
 * triggers record. Evaluated once per statement (an uncorrelated subquery), before any row is
 * written: put it in the WHERE of every statement that inserts or deletes membership rows,
 * directly or through a cascade.
 */
export function actingSql(ctx: DirectoryContext): SqlFragment {
  return sql`(select set_config('cpd.actor', ${`${ctx.actor.kind}:${ctx.actor.id}`}, true) is not null
    and set_config('cpd.request_id', ${ctx.requestId}, true) is not null)`;
}

const LIVE = sql`membership`;
const LIVE_GROUPS = sql`"group"`;

/**
 * The membership rows to walk: the live table, or (with `asOf`) the intervals valid at that
 * instant, in the same column shape (tenant_id, group_id, member_user_id, member_group_id, member_id).
 */
export function membershipAt(asOf: Date | undefined): SqlFragment {
  if (asOf === undefined) return LIVE;
  return sql`(select * from membership_interval where valid_from <= ${asOf}::timestamptz
    and (valid_to is null or valid_to > ${asOf}::timestamptz))`;
}

/**
 * The groups to name: the live table, or (with `asOf`) also the last state of deleted groups, so a
 * group that existed at that instant still appears in past paths and lists.
 */
export function groupsAt(asOf: Date | undefined): SqlFragment {
  if (asOf === undefined) return LIVE_GROUPS;
  // A group deleted and then restored (ADR 0012) is live again: its kept last row must not name it twice.
  return sql`(select * from "group" union all
    select (jsonb_populate_record(null::"group", d.row)).* from membership_deleted_group d
    where not exists (select 1 from "group" live where live.id = d.id))`;
}

/** Groups of the tenant with these ids, live or (since deleted) as they last were. */
export async function groupsByIdsAt(
  ctx: DirectoryContext,
  ids: readonly string[],
  asOf: Date,
): Promise<GroupRecord[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return [];
  const rows = await query<GroupRow>(
    ctx.em,
    sql`select * from ${groupsAt(asOf)} g where g.tenant_id = ${ctx.tenantId} and g.id = any(${pgArray(valid)}::uuid[])`,
  );
  return rows.map(rowToGroup);
}

/**
 * A condition on `id` (SQL) for "this user is known to the tenant": now, or (with `asOf`) also
 * through its membership history, so a user deleted since can still be asked about.
 */
export function userKnownSql(ctx: DirectoryContext, id: string, asOf: Date | undefined): SqlFragment {
  const now = sql`exists (select 1 from app_user where tenant_id = ${ctx.tenantId} and id = ${id}::uuid)`;
  if (asOf === undefined) return now;
  return sql`(${now} or exists (select 1 from membership_interval
    where tenant_id = ${ctx.tenantId} and member_id = ${id}::uuid and member_user_id is not null))`;
}

/** One direct membership's validity interval, with who opened and closed it. */
export interface MembershipInterval {
  groupId: string;
  /** The group's current displayName, or its last one when it has been deleted since. */
  groupDisplayName: string | null;
  memberId: string;
  memberType: MemberType;
  validFrom: Date;
  /** Null while the membership lasts. */
  validTo: Date | null;
  addedBy: string | null;
  addedRequestId: string | null;
  removedBy: string | null;
  removedRequestId: string | null;
}

export interface HistoryQuery {
  groupId?: string;
  memberId?: string;
  /** Intervals that overlap [from, to): either bound may be absent. */
  from?: Date;
  to?: Date;
  first: number;
  after?: string;
  /** Also count every interval matching (across pages). */
  withTotal?: boolean;
}

const HISTORY_ORDER = 'membership-history';

/**
 * The intervals of a group's direct members, or of a member's direct groups, or of one pair,
 * overlapping [from, to), oldest first (valid_from, then group and member id), a page at a time.
 */
export async function membershipHistory(
  ctx: DirectoryContext,
  q: HistoryQuery,
): Promise<Page<MembershipInterval>> {
  if (q.groupId === undefined && q.memberId === undefined) {
    throw new DomainError('INVALID_INPUT', 'membershipHistory needs a groupId, a userId, or both.');
  }
  if ((q.groupId !== undefined && !isUuid(q.groupId)) || (q.memberId !== undefined && !isUuid(q.memberId))) {
    return { items: [], cursors: [], hasNext: false, total: q.withTotal ? 0 : null };
  }
  const where: SqlFragment[] = [sql`i.tenant_id = ${ctx.tenantId}`];
  if (q.groupId !== undefined) where.push(sql`i.group_id = ${q.groupId}::uuid`);
  if (q.memberId !== undefined) where.push(sql`i.member_id = ${q.memberId}::uuid`);
  if (q.to !== undefined) where.push(sql`i.valid_from < ${q.to}::timestamptz`);
  if (q.from !== undefined) where.push(sql`(i.valid_to is null or i.valid_to > ${q.from}::timestamptz)`);
  const total = q.withTotal
    ? query<{ n: number }>(
        ctx.em,
        sql`select count(*)::int as n from membership_interval i where ${sql.join(where, sql` and `)}`,
      )
    : undefined;
  if (q.after !== undefined) {
    const pos = decodeKeyset(HISTORY_ORDER, q.after);
    const [at, groupId] = (pos.v ?? '').split('|');
    if (!at || !groupId || !isUuid(groupId) || Number.isNaN(Date.parse(at))) {
      throw new DomainError('INVALID_CURSOR', 'The cursor is not valid for this list.');
    }
    where.push(
      sql`(i.valid_from, i.group_id, i.member_id) > (${at}::timestamptz, ${groupId}::uuid, ${pos.id}::uuid)`,
    );
  }
  const rows = await query<Record<string, unknown>>(
    ctx.em,
    sql`select i.group_id, i.member_id, (i.member_user_id is not null) as is_user,
       i.valid_from, to_char(i.valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as from_text,
       i.valid_to, i.added_by, i.added_request_id, i.removed_by, i.removed_request_id,
       coalesce(g.display_name, d.row->>'display_name') as group_display_name
     from membership_interval i
     left join "group" g on g.id = i.group_id
     left join membership_deleted_group d on d.id = i.group_id and g.id is null
     where ${sql.join(where, sql` and `)}
     order by i.valid_from, i.group_id, i.member_id limit ${q.first + 1}`,
  );
  const page: Page<MembershipInterval> = {
    items: [],
    cursors: [],
    hasNext: rows.length > q.first,
    total: total ? ((await total)[0]?.n ?? 0) : null,
  };
  for (const r of rows.slice(0, q.first)) {
    page.items.push({
      groupId: String(r.group_id),
      groupDisplayName: (r.group_display_name as string | null) ?? null,
      memberId: String(r.member_id),
      memberType: r.is_user ? 'User' : 'Group',
      validFrom: new Date(r.valid_from as string),
      validTo: r.valid_to === null ? null : new Date(r.valid_to as string),
      addedBy: (r.added_by as string | null) ?? null,
      addedRequestId: (r.added_request_id as string | null) ?? null,
      removedBy: (r.removed_by as string | null) ?? null,
      removedRequestId: (r.removed_request_id as string | null) ?? null,
    });
    // The cursor keeps valid_from to the microsecond: a Date would round it and skip or repeat rows.
    page.cursors.push(
      encodeKeyset(HISTORY_ORDER, {
        v: `${String(r.from_text)}|${String(r.group_id)}`,
        id: String(r.member_id),
      }),
    );
  }
  return page;
}
