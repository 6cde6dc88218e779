/**
 * What offset paging remembers between requests (ADR 0019): where the page ending just before a
 * startIndex ended (a continuation, so the next page is a keyset scan instead of an OFFSET), and a
 * list's exact total (so a walk of a large tenant counts it once, not on every page).
 *
 * Each is valid for one state of the tenant's data, named by a token: the tenant's latest change
 * event (audit_event.txid, the writing transaction's id). Every write to users, groups, memberships
 * and roles records its event in the same transaction, so any commit that could change a list
 * changes the token, with one catch: transactions commit out of id order, so a snapshot may see
 * transaction 101 but not 100, which commits later and leaves the maximum at 101. A token is
 * therefore trusted only while it lies below its snapshot's xmin (every transaction with a lower
 * id had ended when the snapshot was taken): both when it is stored and when it is used. Two
 * snapshots that each see maximum M below their own xmin see the same committed transactions up
 * to M and none above it for the tenant, hence the same rows. test/domain/query/deep-paging.test.ts
 * proves the walk exact across writes, concurrent transactions and two app instances.
 *
 * The rows live in UNLOGGED tables on the primary (shared by every process; a replica's session
 * writes there too, see writableSession), keyed by a hash of the tenant, the statement's FROM and
 * WHERE (with their values) and the ordering.
 */
import { createHash } from 'node:crypto';
import type { DirectoryContext } from '../context';
import { query, render, sql, writableSession, type SqlFragment } from '../sql';

/** The tenant's change-feed position and the snapshot's xmin, as seen by one statement. */
export interface Snapshot {
  readonly token: bigint;
  readonly xmin: bigint;
}

/** Where the page before `startIndex` ended, for the tenant state `token`. */
export interface Continuation {
  readonly token: bigint;
  readonly v: string | null;
  readonly id: string;
}

/** An exact total for the tenant state `token`. */
export interface RememberedCount {
  readonly token: bigint;
  readonly total: number;
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

/**
 * Columns `__tok` and `__xmin` for a statement's select list: the token and xmin of the
 * statement's own snapshot (both scalar, evaluated once per statement).
 */
export function snapshotColumns(tenantId: string): SqlFragment {
  return sql`(select coalesce(max(e.txid), '0'::xid8) from audit_event e where e.tenant_id = ${tenantId})::text as __tok,
    pg_snapshot_xmin(pg_current_snapshot())::text as __xmin`;
}

/** The snapshot a row selected with snapshotColumns was read in. */
export function snapshotOf(row: Record<string, unknown> | undefined): Snapshot | undefined {
  if (row === undefined || typeof row.__tok !== 'string' || typeof row.__xmin !== 'string') return undefined;
  return { token: BigInt(row.__tok), xmin: BigInt(row.__xmin) };
}

/** No transaction below the token was still running: the token names what the snapshot saw. */
export function isSettled(s: Snapshot): boolean {
  return s.token < s.xmin;
}

/** Whether what was remembered for `token` describes exactly what snapshot `s` sees. */
export function holdsIn(token: bigint, s: Snapshot | undefined): boolean {
  return s !== undefined && s.token === token && isSettled(s);
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
  v: string | null;
  id: string | null;
  total: string | null;
}

/** The continuation for `startIndex` (if given) and the remembered total (if `count`), in one read. */
export async function recall(
  ctx: DirectoryContext,
  keys: ListKeys,
  startIndex: number | undefined,
  count: boolean,
): Promise<{ continuation?: Continuation; count?: RememberedCount }> {
  const parts: SqlFragment[] = [];
  if (startIndex !== undefined) {
    parts.push(sql`select 'c' as k, token::text as token, sort_value as v, last_id::text as id, null::text as total
      from list_continuation where query_key = ${keys.list} and start_index = ${startIndex}`);
  }
  if (count) {
    parts.push(sql`select 'n' as k, token::text as token, null::text as v, null::text as id, total::text as total
      from list_count where query_key = ${keys.count}`);
  }
  if (parts.length === 0) return {};
  const rows = await query<RecallRow>(writableSession(ctx.em), sql.join(parts, sql` union all `));
  const c = rows.find((r) => r.k === 'c');
  const n = rows.find((r) => r.k === 'n');
  return {
    ...(c?.id ? { continuation: { token: BigInt(c.token), v: c.v, id: c.id } } : {}),
    ...(n?.total ? { count: { token: BigInt(n.token), total: Number(n.total) } } : {}),
  };
}

/**
 * Stores a continuation (the last row served before `startIndex`) and/or a total, each only when
 * its snapshot is settled. A failure is logged, never the request's: these are caches.
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
  if (c && isSettled(c.snapshot)) {
    parts.push(sql`c as (insert into list_continuation (query_key, start_index, tenant_id, token, sort_value, last_id)
      values (${keys.list}, ${c.startIndex}, ${ctx.tenantId}, ${c.snapshot.token.toString()}::xid8, ${c.v}, ${c.id})
      on conflict (query_key, start_index) do update set token = excluded.token,
        sort_value = excluded.sort_value, last_id = excluded.last_id, updated_at = now())`);
  }
  const n = what.count;
  if (n && isSettled(n.snapshot)) {
    parts.push(sql`n as (insert into list_count (query_key, tenant_id, token, total)
      values (${keys.count}, ${ctx.tenantId}, ${n.snapshot.token.toString()}::xid8, ${n.total})
      on conflict (query_key) do update set token = excluded.token, total = excluded.total, updated_at = now())`);
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
    ctx.log.warn({ err: String(err) }, 'could not remember a list page or total; the next request pays again');
  }
}
