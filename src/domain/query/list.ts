import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { isUuid, query, sql, type SqlFragment } from '../sql';
import type { Filter, ResourceKind, SortSpec } from './ast';
import { compileFilter, compileSort, sortExpression } from './compile';
import { holdsIn, listKeys, recall, remember, snapshotColumns, snapshotOf, type Snapshot } from './list-memo';
import { findAttribute, RESOURCE_ALIAS } from './registry';

/** A page request: offset paging (1-based startIndex) or keyset paging (cursor), never both. */
export interface ListRequest {
  filter?: Filter;
  sort?: SortSpec;
  /** 1-based index of the first result (SCIM startIndex). Ignored when `cursor` is set. */
  startIndex?: number;
  /** Page size; 0 asks only for the total. */
  count: number;
  /** Keyset cursor from a previous page; `''` starts cursor paging from the beginning. */
  cursor?: string;
  /** Skip the exact count query (GraphQL asks for totalCount only when selected). */
  skipTotal?: boolean;
}

export interface ListResult<T> {
  items: T[];
  /** Cursor of each item (to resume right after it). */
  cursors: string[];
  total: number;
  /** Present when more results follow (cursor paging, or offset paging with a next page). */
  nextCursor?: string;
  hasNext: boolean;
}

export interface ListSource<T> {
  kind: ResourceKind;
  select: SqlFragment;
  from: SqlFragment;
  /**
   * The resource's own table with its alias, without `from`'s joins for the select list (the
   * user's manager): where a deep page's ids are found and matches counted. Filters and `where`
   * name only the resource's alias. PostgreSQL removes an unused left join, but still plans the
   * id scan as an index scan (reading each skipped row) rather than an index-only scan when the
   * join was written: 437 ms against 141 ms at 1,000,000 users deep.
   */
  table?: SqlFragment;
  map: (row: Record<string, unknown>) => T;
  /** Extra condition (e.g. membership restriction), applied with the filter. */
  where?: SqlFragment | undefined;
}

const DEFAULT_SORT: Readonly<Record<ResourceKind, { sql: SqlFragment; text: string }>> = {
  User: { sql: sql`u.created_at`, text: 'u.created_at' },
  Group: { sql: sql`g.created_at`, text: 'g.created_at' },
};

/** The table alias of each resource (registry text), as SQL. */
const ALIAS: Readonly<Record<ResourceKind, SqlFragment>> = {
  User: sql.raw(RESOURCE_ALIAS.User),
  Group: sql.raw(RESOURCE_ALIAS.Group),
};

const AND = sql` and `;

interface CursorPayload {
  s: string;
  v: string | null;
  id: string;
}

function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function decodeCursor(cursor: string, sortKey: string): CursorPayload {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
    if (p && p.s === sortKey && isUuid(p.id) && (p.v === null || typeof p.v === 'string')) return p;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

function invalidCursor(): DomainError {
  return new DomainError(
    'INVALID_CURSOR',
    'The cursor is not valid for this query (it must come from the same filter and sort).',
  );
}

/**
 * A cursor's sort value is read by PostgreSQL as the sort column's type; one that was tampered with
 * (not a timestamp, say) fails there with a data exception (SQLSTATE class 22): an invalid cursor.
 */
function cursorError(e: unknown): unknown {
  return isDataException(e) ? invalidCursor() : e;
}

/**
 * Whether the page query's best plan is the same for every tenant and value: the filter is an
 * equality on a unique key (Entra's `userName eq "…"` and `displayName eq "…"`), which an index
 * answers with one row, or on a per-tenant index (Entra's `externalId eq "…"`), which finds its few
 * rows. Such a query is prepared once (see QueryOptions); others are planned with their values,
 * since a tenant's size changes what a good plan is. test/domain/query/plans.test.ts checks the
 * generic plans on a large tenant.
 */
function planIsValueIndependent(
  kind: ResourceKind,
  filter: Filter | undefined,
  extraWhere: boolean,
): boolean {
  if (!filter || extraWhere || filter.kind !== 'compare' || filter.op !== 'eq') return false;
  if (filter.path.sub !== undefined || typeof filter.value !== 'string') return false;
  const def = findAttribute(kind, filter.path);
  return def?.kind === 'scalar' && (def.unique === true || def.indexed === true);
}

/**
 * The keyset condition "after (v, id)" in the ordering by (expr, id), ascending with nulls last or
 * descending with nulls first (compileSort's orderings, whose reverse each is). Written as a row
 * comparison, which PostgreSQL turns into an index condition on (tenant_id, sort, id): the scan
 * starts at the key instead of filtering every row before it. `notNull` (the sort expression is
 * never null) drops the ascending order's trailing nulls, an OR that would keep it a filter.
 */
function after(
  expr: SqlFragment,
  a: SqlFragment,
  desc: boolean,
  v: string | null,
  id: string,
  notNull: boolean,
): SqlFragment {
  if (v === null) {
    return desc
      ? sql`((${expr} is null and ${a}.id < ${id}) or ${expr} is not null)`
      : sql`(${expr} is null and ${a}.id > ${id})`;
  }
  if (desc) return sql`(${expr}, ${a}.id) < (${v}, ${id})`;
  return notNull
    ? sql`(${expr}, ${a}.id) > (${v}, ${id})`
    : sql`((${expr}, ${a}.id) > (${v}, ${id}) or ${expr} is null)`;
}

/** SQLSTATE class 22 (data exception): a sort value that no longer reads as the sort's type. */
function isDataException(e: unknown): boolean {
  const err = e as { code?: string; previous?: { code?: string } };
  const code = err?.code ?? err?.previous?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * Lists a tenant's resources with filtering, sorting and paging done in PostgreSQL: an exact
 * total, and either OFFSET paging or keyset paging on (sort key, id) so deep pages stay fast.
 *
 * Offset paging past the first page (ADR 0019) continues from where the previous page ended when
 * that is remembered for the tenant's current state (list-memo.ts), a keyset scan as cheap as the
 * first page; otherwise it finds the page's ids alone with OFFSET (an index-only scan for the
 * default order) and reads only those rows. Totals that need counting are remembered the same way.
 */
export async function listResources<T>(
  ctx: DirectoryContext,
  source: ListSource<T>,
  req: ListRequest,
): Promise<ListResult<T>> {
  const a = ALIAS[source.kind];
  const ofTenant = sql`${a}.tenant_id = ${ctx.tenantId}`;
  const where = [ofTenant];
  if (source.where) where.push(sql`(${source.where})`);
  if (req.filter) where.push(sql`(${compileFilter(source.kind, req.filter)})`);
  const sort = req.sort ? sortExpression(source.kind, req.sort) : DEFAULT_SORT[source.kind];
  const expr = sort.sql;
  const desc = req.sort?.descending ?? false;
  // created_at, the default order, is NOT NULL; a sort attribute may be absent.
  const notNull = req.sort === undefined;
  const orderBy = req.sort ? compileSort(source.kind, req.sort) : sql`${expr} asc nulls last, ${a}.id asc`;
  const sortKey = `${source.kind}:${sort.text}:${desc ? 'd' : 'a'}`;
  const whereSql = sql.join(where, AND);
  const table = source.table ?? source.from;
  const prepare = planIsValueIndependent(source.kind, req.filter, source.where !== undefined);
  const offsetPaging = req.cursor === undefined;
  const offset = offsetPaging && req.startIndex !== undefined ? Math.max(0, req.startIndex - 1) : 0;
  // Entra's equality filters find a row or none: nothing worth remembering, one statement as before.
  // Inside a transaction the snapshot may hold the transaction's own writes: nothing to share.
  const keys =
    prepare || ctx.em.isInTransaction() ? undefined : listKeys(ctx.tenantId, source.from, whereSql, sortKey);
  const pageWhere = [...where];
  if (req.cursor) {
    const c = decodeCursor(req.cursor, sortKey);
    pageWhere.push(after(expr, a, desc, c.v, c.id, notNull));
  }
  const remembered =
    keys && offsetPaging && offset > 0 && req.count > 0
      ? await recall(ctx, keys, offset + 1, !req.skipTotal)
      : {};
  // Each page statement also reads what its snapshot saw of the tenant, and whether any
  // transaction pending when the remembered rows were read has committed since.
  const check = [...(remembered.continuation?.pending ?? []), ...(remembered.count?.pending ?? [])];
  const snapshotCols =
    keys && (offsetPaging || !req.skipTotal) ? sql`, ${snapshotColumns(ctx.tenantId, check)}` : sql.empty;
  const select = sql`select ${source.select}, (${expr})::text as __sort${snapshotCols} from ${source.from}`;
  const limit = req.count + 1;
  const keysetPage = (conditions: SqlFragment[]) =>
    query(ctx.em, sql`${select} where ${sql.join(conditions, AND)} order by ${orderBy} limit ${limit}`, {
      prepare,
    });
  // A deep page without a continuation: the ids alone, then their rows. The skipped rows cost an
  // index entry each (index-only when the visibility map allows, and the sort's index exists)
  // instead of a row with its manager join and roles subquery each.
  const deferredPage = () =>
    query(
      ctx.em,
      sql`${select} join (select ${a}.id as __id from ${table} where ${whereSql}
         order by ${orderBy} limit ${limit} offset ${offset}) __page on __page.__id = ${a}.id
       where ${ofTenant} order by ${orderBy}`,
    );

  let rows: Record<string, unknown>[] = [];
  if (req.count > 0) {
    const c = remembered.continuation;
    if (c) {
      rows = await keysetPage([...where, after(expr, a, desc, c.v, c.id, notNull)]).catch((e: unknown) => {
        if (isDataException(e)) return [];
        throw e;
      });
      // Not for this state of the tenant (or it ended): the OFFSET answer is the one to give.
      const s = snapshotOf(rows[0]);
      if (rows.length === 0 || !holdsIn(c, s, s?.landed ?? true)) rows = await deferredPage();
    } else if (offset > 0) {
      rows = await deferredPage();
    } else {
      // No OFFSET clause on a first page: with an unknown offset PostgreSQL's generic plan looks
      // costlier than a custom one, so the prepared statement would be re-planned every time.
      rows = await keysetPage(pageWhere).catch((e: unknown) => {
        throw req.cursor ? cursorError(e) : e;
      });
    }
  }
  const page = rows.slice(0, req.count);
  const hasNext = rows.length > req.count;
  const snapshot = snapshotOf(rows[0]);
  // A page that is not full and does not start past the end gives the exact total without a
  // count query (Entra's matching filters return 0 or 1 rows: one statement, not two).
  const firstPage = req.cursor === undefined ? true : req.cursor === '';
  const derivable =
    req.count > 0 && !hasNext && (page.length > 0 || offset === 0) && (firstPage || !req.cursor);
  let counted: { snapshot: Snapshot; total: number } | undefined;
  let total = -1;
  if (!req.skipTotal && derivable) total = offset + page.length;
  else if (!req.skipTotal) {
    // Recalled before the page: checked in the page's snapshot. Recalled now: on the primary,
    // which is not behind the page's snapshot, so its `landed` is at least as late.
    const early = remembered.count;
    const known = early ?? (keys && snapshot ? (await recall(ctx, keys, undefined, true)).count : undefined);
    const landed = early ? (snapshot?.landed ?? true) : (known?.landed ?? true);
    if (known && holdsIn(known, snapshot, landed)) total = known.total;
    else {
      const [row] = await query<{ n: string }>(
        ctx.em,
        sql`select count(*) as n${keys ? sql`, ${snapshotColumns(ctx.tenantId)}` : sql.empty}
         from ${table} where ${whereSql}`,
      );
      total = Number(row?.n ?? 0);
      const s = snapshotOf(row);
      if (s) counted = { snapshot: s, total };
    }
  }
  const cursors = page.map((r) =>
    encodeCursor({ s: sortKey, v: (r.__sort as string | null) ?? null, id: String(r.id) }),
  );
  const last = page[page.length - 1];
  if (keys && (counted || (offsetPaging && hasNext && snapshot && last))) {
    await remember(ctx, keys, {
      ...(offsetPaging && hasNext && snapshot && last
        ? {
            continuation: {
              startIndex: offset + 1 + req.count,
              snapshot,
              v: (last.__sort as string | null) ?? null,
              id: String(last.id),
            },
          }
        : {}),
      ...(counted ? { count: counted } : {}),
    });
  }
  return {
    items: page.map(source.map),
    cursors,
    total,
    hasNext,
    ...(hasNext && cursors.length > 0 ? { nextCursor: cursors[cursors.length - 1] } : {}),
  };
}
