import { Client } from 'pg';
import QueryStream from 'pg-query-stream';
import { asUnavailable, render, type SqlFragment } from '../domain/sql';
import { databaseDown } from '../domain/sql-errors';
import type { ExportSnapshot, OpenExportSnapshot } from '../domain/exports/export.types';

export interface ExportSnapshotOptions {
  url: string;
  /** Rows fetched from the cursor per round trip (and buffered ahead of the reader at most). */
  batchSize?: number;
  /** Longest wait for the connection. */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL's statement_timeout for the export's statements. A cursor's statement lasts until
   * its last row is fetched, so this bounds how long an export can hold its snapshot open (a
   * reader that stalls holds back vacuum until then).
   */
  statementTimeoutMs?: number;
}

/** The application_name of export connections, to tell them apart in pg_stat_activity. */
export const EXPORT_APPLICATION_NAME = 'checkproof-directory-export';

/**
 * Opens export snapshots, each on a connection of its own rather than one of the pool's: an export
 * holds its connection for as long as the download lasts, and the pool is sized for short
 * statements (a connection kept by a slow download is one SCIM cannot have). How many exports run
 * at once is bounded by the expensive-work slots before a snapshot is opened. The statement is read
 * through a server-side cursor (pg-query-stream): `batchSize` rows per fetch, the next fetch only
 * when the reader has taken them, inside one REPEATABLE READ READ ONLY transaction, so every row of
 * a download is of the same moment.
 */
export function createExportSnapshots(opts: ExportSnapshotOptions): OpenExportSnapshot {
  const batchSize = opts.batchSize ?? 1000;
  return async (): Promise<ExportSnapshot> => {
    const client = new Client({
      connectionString: opts.url,
      application_name: EXPORT_APPLICATION_NAME,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 2000,
      statement_timeout: opts.statementTimeoutMs ?? 600_000,
    });
    // Without a listener a lost connection would crash the process; the reading stream reports it.
    client.on('error', () => undefined);
    let closed = false;
    const abort = () => {
      if (closed) return;
      closed = true;
      // Close the socket now: a polite Terminate would wait behind the fetch in flight.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      client.end().catch(() => undefined);
    };
    try {
      await client.connect();
      await client.query('begin isolation level repeatable read read only');
    } catch (err) {
      abort();
      throw asUnavailable(err) ?? databaseDown();
    }
    return {
      rows(statement: SqlFragment) {
        const { text, values } = render(statement);
        return client.query(new QueryStream(text, values, { batchSize, rowMode: 'array' }));
      },
      async finish() {
        if (closed) return;
        try {
          await client.query('commit');
        } finally {
          closed = true;
          await client.end().catch(() => undefined);
        }
      },
      abort,
    };
  };
}
