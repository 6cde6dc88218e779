import type { DbSession } from '../domain/context';
import { pgArray, query, sql } from '../domain/sql';

export interface SearchIndexLog {
  warn(obj: object, msg?: string): void;
}

/** The trigram indexes Migration20261210010000_search_indexes creates when pg_trgm is available. */
const TRIGRAM_INDEXES = ['app_user_search_trigram', 'group_search_trigram'];

/**
 * Says once, at start-up, when the substring filters (co, ew) have no trigram index: the search
 * indexes migration goes on without them where pg_trgm could not be created (a managed server
 * without it, or a role without the privilege), and those filters then read the whole tenant.
 * Returns the missing index names (empty when all is well, or when the catalogue cannot be read).
 */
export async function reportSearchIndexes(session: DbSession, log: SearchIndexLog): Promise<string[]> {
  let present: string[];
  try {
    const rows = await query<{ indexname: string }>(
      session,
      sql`select indexname from pg_indexes where schemaname = current_schema() and indexname = any(${pgArray(TRIGRAM_INDEXES)}::text[])`,
    );
    present = rows.map((r) => r.indexname);
  } catch {
    return [];
  }
  const missing = TRIGRAM_INDEXES.filter((i) => !present.includes(i));
  if (missing.length > 0) {
    log.warn(
      { missing },
      'pg_trgm was not available when the search indexes were created: substring filters (co, ew, GraphQL contains/endsWith) read the whole tenant; docs/scaling.md says how to add the indexes later',
    );
  }
  return missing;
}
