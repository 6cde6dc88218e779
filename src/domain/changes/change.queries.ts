import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import type { Page } from '../paging';
import { pgArray, query, sql, type SqlFragment } from '../sql';
import type { ChangeFilter, ChangeRecord, FeedPosition } from './change.types';

const ORDERING = 'changes';
const DIGITS = /^[0-9]{1,20}$/;

/** Encodes a feed position as an opaque cursor. */
export function encodeChangeCursor(pos: FeedPosition): string {
  return Buffer.from(JSON.stringify({ o: ORDERING, t: pos.txid, i: pos.id })).toString('base64url');
}

/** Decodes a cursor made by encodeChangeCursor; INVALID_CURSOR otherwise. */
export function decodeChangeCursor(cursor: string): FeedPosition {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (p.o === ORDERING && typeof p.t === 'string' && typeof p.i === 'string') {
      if (DIGITS.test(p.t) && DIGITS.test(p.i)) return { txid: p.t, id: p.i };
    }
  } catch {
    // fall through
  }
  throw new DomainError('INVALID_CURSOR', 'The cursor is not a position in the change feed.');
}

/**
 * Only events no reader can be overtaken on: every transaction with a smaller id has ended, so no
 * event can still appear before them in (txid, id) order (docs/changes.md, "Order").
 */
const SETTLED = sql`e.txid < pg_snapshot_xmin(pg_current_snapshot())`;

function conditions(ctx: DirectoryContext, filter: ChangeFilter): SqlFragment {
  const parts = [sql`e.tenant_id = ${ctx.tenantId}`, SETTLED];
  if (filter.types && filter.types.length > 0)
    parts.push(sql`e.action = any(${pgArray(filter.types)}::text[])`);
  if (filter.subjectId !== undefined) parts.push(sql`e.resource_id = ${filter.subjectId.toLowerCase()}`);
  return sql.join(parts, sql` and `);
}

type Row = Record<string, unknown>;

/** A change event from an audit_event row (the columns listChanges selects). */
export function toChange(r: Row): ChangeRecord {
  const actor = String(r.actor);
  const colon = actor.indexOf(':');
  const pos = { txid: String(r.txid), id: String(r.id) };
  return {
    id: pos.id,
    type: String(r.action),
    occurredAt: new Date(r.created_at as string),
    actor: {
      kind: colon < 0 ? actor : actor.slice(0, colon),
      id: colon < 0 ? '' : actor.slice(colon + 1),
      name: (r.actor_name as string | null) ?? null,
    },
    requestId: (r.request_id as string | null) ?? null,
    subject: { type: String(r.resource_type), id: String(r.resource_id) },
    data: (r.data as Record<string, unknown> | null) ?? null,
    changes: (r.changes as Record<string, unknown> | null) ?? null,
    cursor: encodeChangeCursor(pos),
  };
}

/**
 * A page of the tenant's change feed after `after` (from the oldest retained event without it),
 * in feed order: by writing transaction, then by event id. Events of transactions that might
 * still be overtaken by an older, uncommitted one are held back until it ends, so paging on from
 * the last cursor never misses an event.
 */
export async function listChanges(
  ctx: DirectoryContext,
  opts: ChangeFilter & { first: number; after?: FeedPosition; withTotal?: boolean },
): Promise<Page<ChangeRecord>> {
  const where = conditions(ctx, opts);
  const after = opts.after
    ? sql` and (e.txid, e.id) > (${opts.after.txid}::xid8, ${opts.after.id}::bigint)`
    : sql.empty;
  const [rows, total] = await Promise.all([
    opts.first === 0
      ? Promise.resolve([] as Row[])
      : query<Row>(
          ctx.em,
          sql`select e.id::text as id, e.txid::text as txid, e.action, e.resource_type, e.resource_id, e.actor,
             e.actor_name, e.request_id, e.data, e.changes, e.created_at
           from audit_event e where ${where}${after} order by e.txid, e.id limit ${opts.first + 1}`,
        ),
    opts.withTotal
      ? query<{ n: string }>(ctx.em.fork(), sql`select count(*) as n from audit_event e where ${where}`)
      : Promise.resolve(undefined),
  ]);
  const items = rows.slice(0, opts.first).map(toChange);
  return {
    items,
    cursors: items.map((c) => c.cursor),
    hasNext: rows.length > opts.first,
    total: total ? Number(total[0]?.n ?? 0) : null,
  };
}

/**
 * The position of the feed's head now: a reader starting there gets every event that becomes
 * readable from now on (including those committed but still held back), and nothing older.
 */
export async function feedHead(ctx: DirectoryContext): Promise<FeedPosition> {
  const [row] = await query<{ xmin: string }>(
    ctx.em,
    sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`,
  );
  return { txid: row!.xmin, id: '0' };
}

/**
 * Whether events after `after` have committed but are still held back behind an older
 * transaction: a follower then looks again shortly, as no notice comes when that one ends.
 */
export async function changesHeldBack(ctx: DirectoryContext, after: FeedPosition): Promise<boolean> {
  const [row] = await query<{ held: boolean }>(
    ctx.em,
    sql`select exists(select 1 from audit_event e where e.tenant_id = ${ctx.tenantId}
       and e.txid >= pg_snapshot_xmin(pg_current_snapshot())
       and (e.txid, e.id) > (${after.txid}::xid8, ${after.id}::bigint)) as held`,
  );
  return row?.held === true;
}
