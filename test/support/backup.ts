import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { Client } from 'pg';
import { backupDatabase, type BackupSummary, type Progress } from '../../src/db/backup/backup-export';
import { restoreDatabase } from '../../src/db/backup/backup-import';

export const quietProgress: Progress = { table: () => undefined, note: () => undefined };

/** A new database with nothing in it, on the server at `adminUrl` (the test server by default). */
export async function emptyDatabase(
  adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL!,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cpd_restore_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(
        () => undefined,
      ),
  };
}

export async function withClient<T>(url: string, run: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

/** Backs the database up into memory. */
export async function backupToBuffer(url: string): Promise<{ file: Buffer; summary: BackupSummary }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const summary = await backupDatabase(url, out, quietProgress);
  return { file: Buffer.concat(chunks), summary };
}

export function restoreFromBuffer(url: string, file: Buffer): Promise<BackupSummary> {
  return restoreDatabase(url, Readable.from([file]), quietProgress);
}

/**
 * Rows in every table of the current schema (the migrations table included), by name; UNLOGGED
 * tables (caches, which a backup leaves out) are not counted.
 */
export async function tableCounts(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string }>(
      `select relname as name from pg_class where relnamespace = current_schema()::regnamespace and relkind = 'r' and relpersistence = 'p' order by 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of rows) {
      const r = await c.query<{ n: string }>(`select count(*)::text as n from "${name}"`);
      counts[name] = Number(r.rows[0]!.n);
    }
    return counts;
  });
}
