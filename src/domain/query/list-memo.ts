/**
 * What offset paging remembers between requests (ADR 0019): where the page ending just before a
 * startIndex ended (a continuation, so the next page is a keyset scan instead of an OFFSET), and a
 * list's exact total (so a walk of a large tenant counts it once, not on every page).
 *
 * Each is valid for one state of the tenant's data, named by a token: the tenant's latest change
 * event (audit_event.txid, the writing transaction's id). Every write to users, groups, memberships
 * and roles records its event in the same transaction, so a commit that could change a list raises
 * the token, with one catch: transactions commit out of id order, so a snapshot may see transaction
 * 101 but not 100, which commits later and leaves the maximum at 101. Hence what the tenant's
 * snapshot S1 saw is named by the token M and `pending`, the transactions below M still running in
 * S1 (pg_snapshot_xip; every other id below M had ended, and no id above M had a visible event of
 * the tenant). A later snapshot S2 sees exactly the same tenant rows when its token is also M and
 * none of `pending` has committed an event of the tenant by then (`landed`). "Later" holds on the
 * primary (a snapshot sees every commit made before it was taken); a hot standby may lag behind
 * where S1 was read, so there M must also lie below S2's xmin: every transaction up to M had then
 * ended before S2, hence before S1 too, and both see the same ones committed. test/domain/query/deep-paging.test.ts
 * proves the walk exact across writes, a late commit below the token and two app instances.
 *
 * The rows live in UNLOGGED tables on the primary (shared by every process; a replica's session
 * writes there too, see writableSession), keyed by a hash of the tenant, the statement's FROM and
 * WHERE (with their values) and the ordering.
 */
import { createHash } from 'node:crypto';
import type { DirectoryContext } from '../context';
import { pgArray, query, render, sql, writableSession, type SqlFragment } from '../sql';

/** What one statement's snapshot saw of the tenant (selected with snapshotColumns). */
export interface Snapshot {
  readonly token: bigint;
  readonly xmin: bigint;
  /** Transactions below the token still running in this snapshot (xid8 text). */
  readonly pending: readonly string[];
  /** Read on a hot standby. */
  readonly standby: boolean;
  /** Some transaction of the `pending` lists asked about had committed an event of the tenant. */
  readonly landed: boolean;
}

/** What a remembered row is valid for: the snapshot it was read in. */
export interface Validity {
  readonly token: bigint;
  readonly pending: readonly string[];
}

/** Where the page before `startIndex` ended. */
export interface Continuation extends Validity {
  readonly v: string | null;
  readonly id: string;
}

/** An exact total. */
export interface RememberedCount extends Validity {
  readonly total: number;
  /** Some of `pending` had committed an event of the tenant when it was recalled. */
  readonly landed: boolean;
}

export interface ListKeys {
  /** The list: tenant, FROM, WHERE and ordering. */
  readonly list: string;
  /** Its total: tenant, FROM and WHERE. */
  readonly count: string;
}

/** Rows older than this are pruned (an abandoned walk's continuation, a filter not asked again). */
const MAX_AGE = sql`interval '1 hour'`;
/** One write in this many also prunes: the tables stay small without a job of their own. */
const PRUNE_EVERY = 500;

function tenantToken(tenantId: string): SqlFragment {
  return sql`(select coalesce(max(e.txid), '0'::xid8) from audit_event e where e.tenant_id = ${tenantId})`;
}

function landedSql(tenantId: string, pending: readonly string[]): SqlFragment {
  return pending.length === 0
    ? sql`false`
    : sql`exists (select 1 from audit_event e where e.tenant_id = ${tenantId} and e.txid = any(${pgArray(pending)}::xid8[]))`;
}

/**
 * Columns `__tok`, `__xmin`, `__pending`, `__standby` and `__landed` for a statement's select list:
 * what the statement's own snapshot saw (scalar subqueries, evaluated once per statement), and
 * whether any of `check` (the pending transactions of remembered rows) had landed in it.
 */
export function snapshotColumns(tenantId: string, check: readonly string[] = []): SqlFragment {
  const token = tenantToken(tenantId);
  return sql`${token}::text as __tok, pg_snapshot_xmin(pg_current_snapshot())::text as __xmin,
    array(select x from pg_snapshot_xip(pg_current_snapshot()) x where x < ${token})::text as __pending,
    pg_is_in_recovery() as __standby, ${landedSql(tenantId, check)} as __landed`;
}

/** Parses a PostgreSQL array of xid8 in text form (`{1,2}`). */
function xids(text: unknown): string[] {
  return typeof text === 'string' && text.length > 2 ? text.slice(1, -1).split(',') : [];
}

/** The snapshot a row selected with snapshotColumns was read in. */
export function snapshotOf(row: Record<string, unknown> | undefined): Snapshot | undefined {
  if (row === undefined || typeof row.__tok !== 'string' || typeof row.__xmin !== 'string') return undefined;
  return {
    token: BigInt(row.__tok),
    xmin: BigInt(row.__xmin),
    pending: xids(row.__pending),
    standby: row.__standby === true,
    landed: row.__landed === true,
  };
}

/**
 * Whether what was remembered as `v` describes exactly the tenant rows snapshot `s` sees; `landed`
 * says whether one of v's pending transactions had committed an event by `s` (or later).
 */
export function holdsIn(v: Validity, s: Snapshot | undefined, landed: boolean): boolean {
  return s !== undefined && s.token === v.token && !landed && (!s.standby || v.token < s.xmin);
}

function hash(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** The cache keys of a list statement's FROM and WHERE, ordered by `sortKey`. */
export function listKeys(tenantId: string, from: SqlFragment, where: SqlFragment, sortKey: string): ListKeys {
  const f = render(from);
  const w = render(where);
  const count = hash([tenantId, f.text, f.values, w.text, w.values]);
  return { count, list: hash([count, sortKey]) };
}

interface RecallRow {
  k: 'c' | 'n';
  token: string;
  pending: string;
  landed: boolean;
  v: string | null;
  id: string | null;
  total: string | null;
}

/**
 * The continuation for `startIndex` (if given) and the remembered total (if `count`), in one read
 * on the primary, which is never behind the snapshot a page was just read in: there `landed` is
 * as late as that snapshot, or later.
 */
export async function recall(
  ctx: DirectoryContext,
  keys: ListKeys,
  startIndex: number | undefined,
  count: boolean,
): Promise<{ continuation?: Continuation; count?: RememberedCount }> {
  const landed = sql`exists (select 1 from audit_event e where e.tenant_id = ${ctx.tenantId} and e.txid = any(r.pending))`;
  const parts: SqlFragment[] = [];
  if (startIndex !== undefined) {
    parts.push(sql`select 'c' as k, r.token::text as token, r.pending::text as pending, ${landed} as landed,
      r.sort_value as v, r.last_id::text as id, null::text as total
      from list_continuation r where r.query_key = ${keys.list} and r.start_index = ${startIndex}
        and r.tenant_id = ${ctx.tenantId}`);
  }
  if (count) {
    parts.push(sql`select 'n' as k, r.token::text as token, r.pending::text as pending, ${landed} as landed,
      null::text as v, null::text as id, r.total::text as total
      from list_count r where r.query_key = ${keys.count} and r.tenant_id = ${ctx.tenantId}`);
  }
  if (parts.length === 0) return {};
  const rows = await query<RecallRow>(writableSession(ctx.em), sql.join(parts, sql` union all `));
  const c = rows.find((r) => r.k === 'c');
  const n = rows.find((r) => r.k === 'n');
  return {
    ...(c?.id
      ? { continuation: { token: BigInt(c.token), pending: xids(c.pending), v: c.v, id: c.id } }
      : {}),
    ...(n?.total
      ? {
          count: {
            token: BigInt(n.token),
            pending: xids(n.pending),
            total: Number(n.total),
            landed: n.landed,
          },
        }
      : {}),
  };
}

/**
 * Stores a continuation (the last row served before `startIndex`) and/or a total with the snapshot
 * each was read in. A failure is logged, never the request's: these are caches.
 */
export async function remember(
  ctx: DirectoryContext,
  keys: ListKeys,
  what: {
    continuation?: { startIndex: number; snapshot: Snapshot; v: string | null; id: string };
    count?: { snapshot: Snapshot; total: number };
  },
): Promise<void> {
  const parts: SqlFragment[] = [];
  const c = what.continuation;
  if (c) {
    parts.push(sql`c as (insert into list_continuation (query_key, start_index, tenant_id, token, pending, sort_value, last_id)
      values (${keys.list}, ${c.startIndex}, ${ctx.tenantId}, ${c.snapshot.token.toString()}::xid8,
        ${pgArray(c.snapshot.pending)}::xid8[], ${c.v}, ${c.id})
      on conflict (query_key, start_index) do update set token = excluded.token, pending = excluded.pending,
        sort_value = excluded.sort_value, last_id = excluded.last_id, updated_at = now())`);
  }
  const n = what.count;
  if (n) {
    parts.push(sql`n as (insert into list_count (query_key, tenant_id, token, pending, total)
      values (${keys.count}, ${ctx.tenantId}, ${n.snapshot.token.toString()}::xid8,
        ${pgArray(n.snapshot.pending)}::xid8[], ${n.total})
      on conflict (query_key) do update set token = excluded.token, pending = excluded.pending,
        total = excluded.total, updated_at = now())`);
  }
  if (parts.length === 0) return;
  const session = writableSession(ctx.em);
  try {
    await query(session, sql`with ${sql.join(parts, sql`, `)} select 1`);
    if (Math.floor(Math.random() * PRUNE_EVERY) === 0) {
      await query(
        session,
        sql`with c as (delete from list_continuation where updated_at < now() - ${MAX_AGE})
          delete from list_count where updated_at < now() - ${MAX_AGE}`,
      );
    }
  } catch (err) {
    ctx.log.warn(
      { err: String(err) },
      'could not remember a list page or total; the next request pays again',
    );
  }
}
