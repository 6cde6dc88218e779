import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { isUuid, query, sql, type SqlFragment } from '../sql';
import type { Filter, ResourceKind, SortSpec } from './ast';
import { compileFilter, compileSort, sortExpression } from './compile';
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
  const err = e as { code?: string; previous?: { code?: string } };
  const code = err?.code ?? err?.previous?.code;
  return typeof code === 'string' && code.startsWith('22') ? invalidCursor() : e;
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
 * Lists a tenant's resources with filtering, sorting and paging done in PostgreSQL: an exact
 * total, and either OFFSET paging or keyset paging on (sort key, id) so deep pages stay fast.
 */
export async function listResources<T>(
  ctx: DirectoryContext,
  source: ListSource<T>,
  req: ListRequest,
): Promise<ListResult<T>> {
  const a = ALIAS[source.kind];
  const where = [sql`${a}.tenant_id = ${ctx.tenantId}`];
  if (source.where) where.push(sql`(${source.where})`);
  if (req.filter) where.push(sql`(${compileFilter(source.kind, req.filter)})`);
  const sort = req.sort ? sortExpression(source.kind, req.sort) : DEFAULT_SORT[source.kind];
  const expr = sort.sql;
  const desc = req.sort?.descending ?? false;
  const orderBy = req.sort ? compileSort(source.kind, req.sort) : sql`${expr} asc nulls last, ${a}.id asc`;
  const sortKey = `${source.kind}:${sort.text}:${desc ? 'd' : 'a'}`;

  const countAll = () =>
    query<{ n: string }>(
      ctx.em,
      sql`select count(*) as n from ${source.from} where ${sql.join(where, AND)}`,
    ).then((r) => Number(r[0]?.n ?? 0));

  const pageWhere = [...where];
  let offset = 0;
  if (req.cursor) {
    const c = decodeCursor(req.cursor, sortKey);
    if (c.v === null) {
      pageWhere.push(
        desc
          ? sql`((${expr} is null and ${a}.id < ${c.id}) or ${expr} is not null)`
          : sql`(${expr} is null and ${a}.id > ${c.id})`,
      );
    } else {
      pageWhere.push(
        desc
          ? sql`(${expr} < ${c.v} or (${expr} = ${c.v} and ${a}.id < ${c.id}))`
          : sql`(${expr} > ${c.v} or (${expr} = ${c.v} and ${a}.id > ${c.id}) or ${expr} is null)`,
      );
    }
  } else if (req.cursor === undefined && req.startIndex !== undefined) {
    offset = Math.max(0, req.startIndex - 1);
  }
  // No OFFSET clause on a first page: with an unknown offset PostgreSQL's generic plan looks
  // costlier than a custom one, so the prepared statement would be re-planned every time.
  const offsetSql = offset > 0 ? sql` offset ${offset}` : sql.empty;
  const rows =
    req.count > 0
      ? await query(
          ctx.em,
          sql`select ${source.select}, (${expr})::text as __sort from ${source.from}
           where ${sql.join(pageWhere, AND)} order by ${orderBy} limit ${req.count + 1}${offsetSql}`,
          { prepare: planIsValueIndependent(source.kind, req.filter, source.where !== undefined) },
        ).catch((e: unknown) => {
          throw req.cursor ? cursorError(e) : e;
        })
      : [];
  const page = rows.slice(0, req.count);
  const hasNext = rows.length > req.count;
  // A page that is not full and does not start past the end gives the exact total without a
  // count query (Entra's matching filters return 0 or 1 rows: one statement, not two).
  const firstPage = req.cursor === undefined ? true : req.cursor === '';
  const derivable =
    req.count > 0 && !hasNext && (page.length > 0 || offset === 0) && (firstPage || !req.cursor);
  const total = req.skipTotal ? -1 : derivable ? offset + page.length : await countAll();
  const cursors = page.map((r) =>
    encodeCursor({ s: sortKey, v: (r.__sort as string | null) ?? null, id: String(r.id) }),
  );
  return {
    items: page.map(source.map),
    cursors,
    total,
    hasNext,
    ...(hasNext && cursors.length > 0 ? { nextCursor: cursors[cursors.length - 1] } : {}),
  };
}
