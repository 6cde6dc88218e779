import type { GroupRecord } from './group.types';

export type GroupRow = Record<string, unknown>;

/** Maps a `"group"` row to the domain record. */
export function rowToGroup(row: GroupRow): GroupRecord {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    displayName: String(row.display_name),
    externalId: row.external_id === null || row.external_id === undefined ? null : String(row.external_id),
    source: row.source === 'API' ? 'API' : 'SCIM',
    version: Number(row.version),
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
  };
}
