import type { Readable } from 'node:stream';
import type { SqlFragment } from '../sql-fragment';

/** What an export holds: the directory's users, its groups, or who is in which group. */
export const EXPORT_DATASETS = ['users', 'groups', 'memberships'] as const;
export type ExportDataset = (typeof EXPORT_DATASETS)[number];

/** How a column's values are written: NDJSON keeps the type; CSV writes every kind as text. */
export type ExportColumnKind = 'string' | 'boolean' | 'integer' | 'dateTime' | 'stringList';

/** One column of an export: its header (the NDJSON key) and the SQL that selects it (alias `u`, `g`). */
export interface ExportColumn {
  readonly header: string;
  readonly kind: ExportColumnKind;
  readonly sql: SqlFragment;
}

/**
 * A read-only snapshot of the database (one REPEATABLE READ transaction on a connection of its
 * own), read through a server-side cursor. src/db provides it; the domain only names what it needs.
 */
export interface ExportSnapshot {
  /**
   * The statement's rows as a readable object stream of value arrays, in column order, fetched
   * `batchSize` rows at a time as the stream is read (so a slow reader holds back the database).
   */
  rows(statement: SqlFragment): Readable;
  /** Ends the transaction and closes the connection (after the rows were read). */
  finish(): Promise<void>;
  /** Closes the connection at once (PostgreSQL rolls back): the reader went away or failed. */
  abort(): void;
}

/** Opens a snapshot, or throws UNAVAILABLE when no connection can be had. */
export type OpenExportSnapshot = () => Promise<ExportSnapshot>;
