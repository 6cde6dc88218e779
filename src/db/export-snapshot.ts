import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import QueryStream from 'pg-query-stream';
import { asUnavailable, render, type SqlFragment } from '../domain/sql';
import { databaseDown } from '../domain/sql-errors';
import { SESSION_OPTIONS } from './orm-config';
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
      options: SESSION_OPTIONS,
    });
    let closed = false;
    /** The rows streams being read, told when the connection is lost. */
    const readers = new Set<(err: Error) => void>();
    const lost = (err: Error) => {
      for (const fail of readers) fail(err);
    };
    // Without a listener a lost connection would crash the process; the rows stream reports it.
    client.on('error', lost);
    client.on('end', () => lost(new Error('the export connection closed')));
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
        const source = client.query(new QueryStream(text, values, { batchSize, rowMode: 'array' }));
        // pg-cursor learns of a lost connection only at its next fetch, and then waits forever for
        // the dead connection to confirm closing the portal, so the QueryStream never ends or
        // errors. The rows are read through a PassThrough that fails as soon as the connection does.
        const rows = new PassThrough({ objectMode: true, highWaterMark: batchSize });
        const fail = (err: Error) => {
          if (!rows.destroyed && !rows.readableEnded) rows.destroy(err);
        };
        readers.add(fail);
        source.once('error', fail);
        rows.once('close', () => {
          readers.delete(fail);
          if (!source.destroyed) source.destroy();
        });
        source.pipe(rows);
        return rows;
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
