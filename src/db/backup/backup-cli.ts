import 'reflect-metadata';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../../config';
import { hasEmbeddedCluster, runningEmbeddedUrl, startEmbeddedPostgres } from '../embedded';
import { describeUrl } from './backup-catalog';
import { backupDatabase, type BackupSummary, type Progress } from './backup-export';
import { RefusedError } from './backup-format';
import { restoreDatabase } from './backup-import';

/** Exit codes (docs/backups.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

const USAGE = `Usage:
  npm run db:backup -- [--force] <file>     write a backup of the database to <file> ("-": stdout)
  npm run db:restore -- <file>              restore <file> ("-": stdin) into an EMPTY database

The database is DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR: the
running one (the service's) if it is up, else started for the command and stopped after it.
A backup is a consistent snapshot taken while the service runs. A restore refuses a database
that holds data, and a backup from a newer schema than this version knows.

Options:
  --force     overwrite <file> if it exists (backup)
  -h, --help  show this help

Exit codes: 0 done, 1 failed, 2 bad usage or configuration, 3 refused (see the message).
Progress goes to stderr. See docs/backups.md.`;

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

const stderrProgress: Progress = {
  table: (end, ms) =>
    process.stderr.write(
      `  ${end.table.padEnd(28)} ${end.rows.toLocaleString('en-US').padStart(12)} rows ${size(end.bytes).padStart(10)} ${(ms / 1000).toFixed(2).padStart(7)} s\n`,
    ),
  note: (m) => process.stderr.write(`${m}\n`),
};

interface Target {
  url: string;
  where: string;
  stop?: () => Promise<void>;
}

/** DATABASE_URL; else the running embedded server; else the embedded server started for this command. */
async function openTarget(config: Config, command: 'backup' | 'restore'): Promise<Target> {
  if (config.databaseUrl) return { url: config.databaseUrl, where: describeUrl(config.databaseUrl) };
  const running = runningEmbeddedUrl(config.dataDir);
  if (running) return { url: running, where: `the running embedded PostgreSQL in ${config.dataDir}` };
  if (command === 'backup' && !hasEmbeddedCluster(config.dataDir)) {
    throw new RefusedError(
      `DATABASE_URL is not set and ${config.dataDir} holds no embedded database: nothing to back up.`,
    );
  }
  process.stderr.write(`starting the embedded PostgreSQL in ${config.dataDir}\n`);
  const pg = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.embeddedPgPort,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  return { url: pg.url, where: `the embedded PostgreSQL in ${config.dataDir}`, stop: pg.stop };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: { help: { type: 'boolean', short: 'h' }, force: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (err) {
    fail(EXIT.usage, `${(err as Error).message}\n\n${USAGE}`);
  }
  const [command, file, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if ((command !== 'backup' && command !== 'restore') || !file || extra.length > 0) fail(EXIT.usage, USAGE);

  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(EXIT.usage, err.message);
    throw err;
  }
  if (command === 'backup' && file !== '-' && existsSync(file) && !parsed.values.force) {
    fail(EXIT.usage, `${file} exists; pass --force to overwrite it.`);
  }
  if (command === 'restore' && file !== '-' && !existsSync(file)) fail(EXIT.usage, `${file}: no such file`);

  const partial = `${file}.partial`;
  let target: Target | undefined;
  const cleanUp = async () => {
    if (command === 'backup' && file !== '-') rmSync(partial, { force: true });
    await target?.stop?.();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(
        `${signal}: stopping; ${command === 'backup' ? 'no file was written' : 'a load not yet committed is rolled back'}\n`,
      );
      void cleanUp().finally(() => process.exit(130));
    });
  }

  const started = Date.now();
  try {
    target = await openTarget(config, command);
    let summary: BackupSummary;
    if (command === 'backup') {
      process.stderr.write(`backing up ${target.where}\n`);
      const out: Writable = file === '-' ? process.stdout : createWriteStream(partial, { mode: 0o600 });
      summary = await backupDatabase(target.url, out, stderrProgress);
      if (file !== '-') renameSync(partial, file);
    } else {
      process.stderr.write(`restoring ${file === '-' ? 'stdin' : file} into ${target.where}\n`);
      const input: Readable = file === '-' ? process.stdin : createReadStream(file);
      summary = await restoreDatabase(target.url, input, stderrProgress);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `${command === 'backup' ? 'backed up' : 'restored'}: ${summary.tables} tables, ` +
        `${summary.rows.toLocaleString('en-US')} rows, ${size(summary.bytes)} of rows in ${seconds} s; ` +
        `schema version ${summary.migrations[summary.migrations.length - 1]}` +
        `${command === 'backup' && file !== '-' ? ` → ${file}` : ''}\n`,
    );
    await target.stop?.();
    return EXIT.ok;
  } catch (err) {
    await cleanUp().catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof RefusedError) {
      process.stderr.write(`refused: ${message}\n`);
      return EXIT.refused;
    }
    process.stderr.write(`${command} failed: ${message}\n`);
    return EXIT.failed;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => fail(EXIT.failed, err instanceof Error ? err.message : String(err)),
);
