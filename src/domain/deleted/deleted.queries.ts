import type { DirectoryContext } from '../context';
import { decodeKeyset, encodeKeyset, type Page, type PageRequest } from '../paging';
import { query, sql, type SqlFragment } from '../sql';
import type { DeletedGroupRecord, DeletedUserRecord, Deletion } from './deleted.types';

/** LIKE's wildcards taken literally: a case-insensitive prefix. */
function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function deletion(r: Record<string, unknown>): Deletion {
  return {
    deletedAt: new Date(r.deleted_at as string),
    deletedBy: String(r.deleted_by),
    requestId: (r.request_id as string | null) ?? null,
  };
}

/**
 * A page of an archive, newest deletion first, keyset-paged on (deleted_at, id) along the
 * tenant-leading index; `search` is a prefix of the lower-cased name (its own index).
 */
async function listArchive(
  ctx: DirectoryContext,
  table: 'deleted_user' | 'deleted_group',
  nameColumn: 'user_name' | 'display_name',
  columns: SqlFragment,
  page: PageRequest & { search?: string },
): Promise<{ rows: Record<string, unknown>[]; cursors: string[]; hasNext: boolean; total: number | null }> {
  const from = sql.identifier(table);
  const where = [sql`x.tenant_id = ${ctx.tenantId}`];
  if (page.search) where.push(sql`lower(x.${sql.identifier(nameColumn)}) like ${likePrefix(page.search)}`);
  const counted = sql.join(where, sql` and `);
  if (page.after) {
    const c = decodeKeyset(table, page.after);
    where.push(sql`(x.deleted_at, x.id) < (${c.v}::timestamptz, ${c.id}::uuid)`);
  }
  const [rows, count] = await Promise.all([
    page.first === 0
      ? Promise.resolve([])
      : query(
          ctx.em,
          sql`select ${columns}, x.deleted_at, x.deleted_at::text as at_text, x.deleted_by, x.request_id
           from ${from} x where ${sql.join(where, sql` and `)}
           order by x.deleted_at desc, x.id desc limit ${page.first + 1}`,
        ),
    page.withTotal
      ? query<{ n: string }>(ctx.em.fork(), sql`select count(*) as n from ${from} x where ${counted}`)
      : Promise.resolve(undefined),
  ]);
  const shown = rows.slice(0, page.first);
  return {
    rows: shown,
    cursors: shown.map((r) => encodeKeyset(table, { v: String(r.at_text), id: String(r.id) })),
    hasNext: rows.length > page.first,
    total: count ? Number(count[0]?.n ?? 0) : null,
  };
}

/** The tenant's restorable deleted users, newest deletion first; `search` is a userName prefix. */
export async function listDeletedUsers(
  ctx: DirectoryContext,
  page: PageRequest & { search?: string },
): Promise<Page<DeletedUserRecord>> {
  const { rows, ...rest } = await listArchive(
    ctx,
    'deleted_user',
    'user_name',
    sql`x.id, x.user_name, x.display_name, x.record->>'external_id' as external_id,
      coalesce((x.record->>'active')::boolean, false) as active,
      array(select jsonb_array_elements(x.roles)->>'value') as role_values,
      jsonb_array_length(x.memberships) as group_count`,
    page,
  );
  return {
    ...rest,
    items: rows.map((r) => ({
      ...deletion(r),
      id: String(r.id),
      userName: String(r.user_name),
      displayName: (r.display_name as string | null) ?? null,
      externalId: (r.external_id as string | null) ?? null,
      active: Boolean(r.active),
      roles: (r.role_values as string[]) ?? [],
      groupCount: Number(r.group_count),
    })),
  };
}

/** The tenant's restorable deleted groups, newest deletion first; `search` is a displayName prefix. */
export async function listDeletedGroups(
  ctx: DirectoryContext,
  page: PageRequest & { search?: string },
): Promise<Page<DeletedGroupRecord>> {
  const { rows, ...rest } = await listArchive(
    ctx,
    'deleted_group',
    'display_name',
    sql`x.id, x.display_name, x.record->>'external_id' as external_id,
      (select count(*) from jsonb_array_elements(x.memberships) e where (e->>'group_id')::uuid = x.id) as member_count,
      (select count(*) from jsonb_array_elements(x.memberships) e where (e->>'member_group_id')::uuid = x.id) as parent_count`,
    page,
  );
  return {
    ...rest,
    items: rows.map((r) => ({
      ...deletion(r),
      id: String(r.id),
      displayName: String(r.display_name),
      externalId: (r.external_id as string | null) ?? null,
      memberCount: Number(r.member_count),
      parentCount: Number(r.parent_count),
    })),
  };
}
