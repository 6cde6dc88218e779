import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { to as copyTo } from 'pg-copy-streams';
import { appliedMigrations, connect, ident, listTables, loadOrder, tableSequences } from './backup-catalog';
import {
  FORMAT_VERSION,
  FrameWriter,
  type BackupManifest,
  type BackupTrailer,
  type TableEnd,
} from './backup-format';

export interface Progress {
  /** A table has been copied (backup) or loaded (restore). */
  table(end: TableEnd, ms: number): void;
  /** Anything else worth a line. */
  note(message: string): void;
}

export interface BackupSummary {
  tables: number;
  rows: number;
  /** Uncompressed COPY bytes. */
  bytes: number;
  migrations: string[];
}

/**
 * Writes a consistent logical backup of the database at `url` to `out` (gzip'd frames, see
 * backup-format.ts): one REPEATABLE READ READ ONLY transaction, so every table is read at the same
 * instant while the service keeps writing, and COPY … TO STDOUT of each table in load order.
 */
export async function backupDatabase(url: string, out: Writable, progress: Progress): Promise<BackupSummary> {
  const client = await connect(url, 'checkproof-directory-backup');
  const gzip = createGzip({ level: 6 });
  // pipeline, not pipe: it also settles when `out` is stdout, which pipe never ends.
  const done = pipeline(gzip, out);
  try {
    await client.query('begin isolation level repeatable read, read only');
    // The first statement takes the snapshot every COPY below reads.
    const { rows: info } = await client.query<{ version: string; next: string }>(
      `select current_setting('server_version') as version, pg_snapshot_xmax(pg_current_snapshot())::text as next`,
    );
    const migrations = await appliedMigrations(client);
    if (migrations.length === 0)
      throw new Error('the database has no migrations applied: nothing to back up');
    const tables = await loadOrder(client, await listTables(client));
    // pg_dump does the same: no migration may change a table's shape while it is being read.
    if (tables.length > 0) {
      await client.query(`lock table ${tables.map((t) => ident(t.name)).join(', ')} in access share mode`);
    }
    const manifest: BackupManifest = {
      format: 'checkproof-directory-backup',
      formatVersion: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      serverVersion: info[0]!.version,
      migrations,
      nextTxid: info[0]!.next,
      tables: [],
    };
    for (const t of tables) {
      const sequences = [];
      for (const s of await tableSequences(client, t.name)) {
        // Sequences are not transactional: this is at least what the snapshot's rows used.
        const { rows } = await client.query<{ last: string; called: boolean }>(
          `select last_value::text as last, is_called as called from ${s.sequence}`,
        );
        sequences.push({ column: s.column, lastValue: rows[0]!.last, isCalled: rows[0]!.called });
      }
      manifest.tables.push({ name: t.name, columns: t.columns, sequences });
    }

    const writer = new FrameWriter(gzip);
    await writer.start();
    await writer.json('M', manifest);
    const trailer: BackupTrailer = { tables: [] };
    for (const t of manifest.tables) {
      const started = Date.now();
      await writer.json('T', { table: t.name });
      const stream = client.query(
        copyTo(`copy ${ident(t.name)} (${t.columns.map(ident).join(', ')}) to stdout`),
      );
      let bytes = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        await writer.frame('D', chunk);
      }
      const end = { table: t.name, rows: stream.rowCount, bytes };
      await writer.json('E', end);
      trailer.tables.push(end);
      progress.table(end, Date.now() - started);
    }
    await writer.json('Z', trailer);
    await client.query('commit');
    gzip.end();
    await done;
    return {
      tables: trailer.tables.length,
      rows: trailer.tables.reduce((n, t) => n + t.rows, 0),
      bytes: trailer.tables.reduce((n, t) => n + t.bytes, 0),
      migrations,
    };
  } catch (err) {
    gzip.destroy();
    done.catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}
