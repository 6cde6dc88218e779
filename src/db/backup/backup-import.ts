import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Client } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { migrationsList } from '../migrations';
import { migrateUp, openOrm } from '../orm';
import { NO_STATEMENT_TIMEOUTS } from '../orm-config';
import { appliedMigrations, connect, ident, listTables } from './backup-catalog';
import type { BackupSummary, Progress } from './backup-export';
import {
  FORMAT_VERSION,
  NotABackupError,
  RefusedError,
  parseJson,
  readFrames,
  type BackupManifest,
  type BackupTrailer,
  type Frame,
  type TableEnd,
} from './backup-format';

/**
 * Beyond this many transaction ids the target is not moved forward (at ~100,000 ids a second it
 * would take over 15 minutes, and burning ids brings a shared server nearer wraparound vacuums).
 */
export const MAX_TXID_ADVANCE = 100_000_000n;

/**
 * Restores a backup into the EMPTY database at `url`: migrations up to the backup's schema
 * version, then every table in one transaction with user triggers disabled (ADR 0016), sequences
 * set, row counts checked against the backup; then the migrations the backup did not have.
 */
export async function restoreDatabase(
  url: string,
  input: Readable,
  progress: Progress,
): Promise<BackupSummary> {
  const frames = readFrames(input)[Symbol.asyncIterator]();
  const next = async (): Promise<Frame> => {
    const r = await frames.next();
    if (r.done) throw new NotABackupError('the backup file is cut short');
    return r.value;
  };
  try {
    const first = await next();
    if (first.type !== 'M') throw new NotABackupError('the backup file has no manifest');
    const manifest = parseJson<BackupManifest>(first);
    checkManifest(manifest);

    const client = await connect(url, 'checkproof-directory-restore');
    try {
      const applied = await refuseUnlessEmpty(client, manifest.migrations);
      if (applied.length < manifest.migrations.length) {
        const migrator = await openOrm({ url, poolMax: 1, timeouts: NO_STATEMENT_TIMEOUTS });
        try {
          await migrator.getMigrator().up({ to: manifest.migrations[manifest.migrations.length - 1]! });
        } finally {
          await migrator.close(true);
        }
      }
      await advanceTransactionIds(client, BigInt(manifest.nextTxid), progress);
      // The whole file is read (and gzip's checksum verified) before the load commits.
      const atEnd = async () => {
        if (!(await frames.next()).done)
          throw new NotABackupError('the backup file has data after its trailer');
      };
      const trailer = await loadTables(client, manifest, next, atEnd, progress);
      const later = await (async () => {
        const orm = await openOrm({ url, poolMax: 1, timeouts: NO_STATEMENT_TIMEOUTS });
        try {
          return await migrateUp(orm);
        } finally {
          await orm.close(true);
        }
      })();
      if (later.length > 0) progress.note(`applied migrations newer than the backup: ${later.join(', ')}`);
      return {
        tables: trailer.tables.length,
        rows: trailer.tables.reduce((n, t) => n + t.rows, 0),
        bytes: trailer.tables.reduce((n, t) => n + t.bytes, 0),
        migrations: manifest.migrations,
      };
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    await frames.return?.(undefined);
  }
}

/** Refuses a file of another format version, or one whose schema this code does not know. */
export function checkManifest(m: BackupManifest): void {
  if (
    m.format !== 'checkproof-directory-backup' ||
    !Array.isArray(m.migrations) ||
    !Array.isArray(m.tables)
  ) {
    throw new NotABackupError('not a CheckProof Directory backup (its manifest is not one)');
  }
  if (m.formatVersion > FORMAT_VERSION) {
    throw new RefusedError(
      `the backup is in format ${m.formatVersion}; this version reads format ${FORMAT_VERSION} and older. Restore it with a newer version of CheckProof Directory.`,
    );
  }
  const known = migrationsList.map((x) => x.name);
  const firstUnknown = m.migrations.findIndex((name, i) => known[i] !== name);
  if (firstUnknown >= 0) {
    throw new RefusedError(
      `the backup is from a newer (or different) schema: it has migration ${m.migrations[firstUnknown]}, ` +
        `which this version does not know. Restore it with the version of CheckProof Directory that made it, or a newer one.`,
    );
  }
  if (m.migrations.length === 0) throw new NotABackupError('the backup names no schema version');
}

/**
 * Empty means: no tables at all (a new database), or only this service's tables, migrated no
 * further than the backup and holding no row (a service was started on it once).
 */
async function refuseUnlessEmpty(client: Client, backupMigrations: string[]): Promise<string[]> {
  const applied = await appliedMigrations(client);
  const tables = await listTables(client);
  if (tables.length === 0 && applied.length === 0) return applied;
  const advice =
    'Restore only into an empty database: create a new one (CREATE DATABASE …) or use a new DATA_DIR.';
  if (applied.length === 0) {
    throw new RefusedError(
      `the target database is not empty: it holds tables (${tables[0]!.name}, …). ${advice}`,
    );
  }
  if (applied.some((name, i) => backupMigrations[i] !== name)) {
    throw new RefusedError(
      `the target database's schema is newer than the backup's (it has ${applied[applied.length - 1]}). ${advice}`,
    );
  }
  const filled: string[] = [];
  for (const t of tables) {
    const { rows } = await client.query<{ any: boolean }>(
      `select exists(select 1 from ${ident(t.name)}) as any`,
    );
    if (rows[0]?.any) filled.push(t.name);
  }
  if (filled.length > 0) {
    throw new RefusedError(
      `the target database is not empty: ${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ', …' : ''} hold rows. ${advice}`,
    );
  }
  return applied;
}

/**
 * Change events and webhook cursors hold transaction ids (xid8) of the source, and the change
 * feed hands out only events below the snapshot's xmin, ordered by transaction id. So the target
 * must assign ids after every restored one: when its counter is behind the source's, spend ids in
 * empty committed transactions until it is not (docs/backups.md).
 */
async function advanceTransactionIds(client: Client, sourceNext: bigint, progress: Progress): Promise<void> {
  const current = async () => {
    const { rows } = await client.query<{ next: string }>(
      `select pg_snapshot_xmax(pg_current_snapshot())::text as next`,
    );
    return BigInt(rows[0]!.next);
  };
  let gap = sourceNext - (await current());
  if (gap <= 0n) return;
  if (gap > MAX_TXID_ADVANCE) {
    throw new RefusedError(
      `the target server has used ${gap} fewer transaction ids than the backup's source; the change feed needs it ` +
        `to be ahead (docs/backups.md). Restore into a server that has used more, or ask for help.`,
    );
  }
  progress.note(`moving the target's transaction ids forward by ${gap} (change feed order)`);
  await client.query('set synchronous_commit = off');
  const batch = 200_000n;
  while (gap > 0n) {
    const n = gap < batch ? gap : batch;
    await client.query(
      `do $$ begin for i in 1..${n} loop perform pg_current_xact_id(); commit; end loop; end $$`,
    );
    gap = sourceNext - (await current());
    if (gap > 0n) progress.note(`  ${gap} to go`);
  }
  await client.query('reset synchronous_commit');
}

/**
 * One transaction: triggers off (the membership history triggers would write a second history for
 * every restored membership row; the history is itself restored), COPY every table, check counts,
 * set sequences, triggers back on. Foreign keys stay checked, which is why tables load in order.
 */
async function loadTables(
  client: Client,
  manifest: BackupManifest,
  next: () => Promise<Frame>,
  atEnd: () => Promise<void>,
  progress: Progress,
): Promise<BackupTrailer> {
  const target = new Map((await listTables(client)).map((t) => [t.name, t]));
  for (const t of manifest.tables) {
    const there = target.get(t.name);
    const missing = there ? t.columns.filter((c) => !there.columns.includes(c)) : t.columns;
    if (!there || missing.length > 0) {
      throw new Error(
        `after migrating to the backup's version, ${t.name}${there ? ` lacks ${missing.join(', ')}` : ' does not exist'}: the backup does not fit the migrations`,
      );
    }
  }
  let copying: CopyStreamQuery | undefined;
  await client.query('begin');
  try {
    for (const t of manifest.tables) await client.query(`alter table ${ident(t.name)} disable trigger user`);
    // As pg_restore does: indexes that back no constraint are built once after the load rather
    // than kept up to date row by row (the restore of 100,000 users was several times slower).
    // A unique index built then still refuses duplicates, failing the whole restore.
    const { rows: deferred } = await client.query<{ name: string; def: string }>(
      `select i.relname as name, pg_get_indexdef(x.indexrelid) as def
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
       where t.relnamespace = current_schema()::regnamespace and t.relname = any($1::text[])
         and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
       order by i.relname`,
      [manifest.tables.map((t) => t.name)],
    );
    for (const ix of deferred) await client.query(`drop index ${ident(ix.name)}`);
    const loaded: TableEnd[] = [];
    for (const t of manifest.tables) {
      const begin = await next();
      if (begin.type !== 'T' || parseJson<{ table: string }>(begin).table !== t.name) {
        throw new NotABackupError(`the backup file is damaged (expected table ${t.name})`);
      }
      const started = Date.now();
      const stream = client.query(
        copyFrom(`copy ${ident(t.name)} (${t.columns.map(ident).join(', ')}) from stdin`),
      );
      copying = stream;
      const failed = once(stream, 'error').then(([e]) => Promise.reject(e as Error));
      failed.catch(() => undefined);
      let bytes = 0;
      for (;;) {
        const f = await next();
        if (f.type === 'D') {
          bytes += f.payload.length;
          if (!stream.write(f.payload)) await Promise.race([once(stream, 'drain'), failed]);
        } else if (f.type === 'E') {
          stream.end();
          await Promise.race([finished(stream), failed]);
          const end = parseJson<TableEnd>(f);
          if (end.rows !== stream.rowCount) {
            throw new Error(`${t.name}: the backup says ${end.rows} rows, ${stream.rowCount} were loaded`);
          }
          copying = undefined;
          loaded.push({ table: t.name, rows: stream.rowCount, bytes });
          progress.table({ table: t.name, rows: stream.rowCount, bytes }, Date.now() - started);
          break;
        } else {
          throw new NotABackupError(`the backup file is damaged (frame ${f.type} inside table ${t.name})`);
        }
      }
    }
    const z = await next();
    if (z.type !== 'Z') throw new NotABackupError('the backup file has no trailer');
    const indexing = Date.now();
    for (const ix of deferred) await client.query(ix.def);
    progress.note(`built ${deferred.length} indexes in ${((Date.now() - indexing) / 1000).toFixed(2)} s`);
    const trailer = parseJson<BackupTrailer>(z);
    await atEnd();
    for (const t of trailer.tables) {
      const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${ident(t.table)}`);
      if (Number(rows[0]!.n) !== t.rows) {
        throw new Error(
          `${t.table}: the backup has ${t.rows} rows, the database ${rows[0]!.n} after loading`,
        );
      }
    }
    if (trailer.tables.length !== manifest.tables.length) {
      throw new NotABackupError('the backup file is damaged (its trailer lists other tables)');
    }
    for (const t of manifest.tables) {
      for (const s of t.sequences) {
        await client.query(
          `select setval(pg_get_serial_sequence($1, $2), greatest($3::bigint, m.max),
                         $4::boolean or m.max >= $3::bigint)
           from (select coalesce(max(${ident(s.column)}), 0)::bigint as max from ${ident(t.name)}) m`,
          [ident(t.name), s.column, s.lastValue, s.isCalled],
        );
      }
    }
    for (const t of manifest.tables) await client.query(`alter table ${ident(t.name)} enable trigger user`);
    await client.query('commit');
    return trailer;
  } catch (err) {
    if (copying && !copying.destroyed) {
      // The connection is still in COPY: end it with a CopyFail so the rollback can be sent.
      const closed = once(copying, 'close').catch(() => undefined);
      copying.destroy(err as Error);
      await closed;
    }
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}
