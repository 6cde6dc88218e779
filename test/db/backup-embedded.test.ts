import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { runningEmbeddedUrl } from '../../src/db/embedded';
import { migrateUp, openOrm, type Orm } from '../../src/db/orm';
import { backupToBuffer, emptyDatabase, restoreFromBuffer, tableCounts, withClient } from '../support/backup';
import type { TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser } from '../support/factories';
import { readFrames, parseJson, type BackupManifest } from '../../src/db/backup/backup-format';
import { Readable } from 'node:stream';

// Moving off the embedded PostgreSQL (18, from npm) to a managed server that may be older: the
// machine's server is 15. Starts one embedded cluster (a few seconds) for the whole file, in a
// child process (test/support/embedded-server.mjs: the package is ESM-only).

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function manifestOf(file: Buffer): Promise<BackupManifest> {
  for await (const f of readFrames(Readable.from([file]))) return parseJson<BackupManifest>(f);
  throw new Error('no manifest');
}

async function serverVersion(url: string): Promise<number> {
  return withClient(url, async (c) =>
    Number((await c.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]!.v),
  );
}

let dataDir: string;
let embedded: { url: string };
let child: ChildProcess | undefined;
let orm: Orm | undefined;
const drops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'cpd-backup-'));
  chmodSync(parent, 0o777); // as root, the embedded server runs as the OS user postgres
  dataDir = path.join(parent, 'data');
  child = spawn(
    process.execPath,
    [path.join(__dirname, '../support/embedded-server.mjs'), dataDir, String(await freePort())],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  embedded = JSON.parse(line) as { url: string };
}, 60_000);

afterAll(async () => {
  await orm?.close(true);
  for (const d of drops) await d();
  if (child && child.exitCode === null) {
    child.stdin!.end();
    await once(child, 'exit');
  }
  if (dataDir) rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

describe('backups of the embedded PostgreSQL', () => {
  it('finds the running embedded server from its DATA_DIR (its port from postmaster.pid)', () => {
    expect(runningEmbeddedUrl(dataDir)).toBe(embedded.url);
    expect(runningEmbeddedUrl(path.join(dataDir, 'nowhere'))).toBeUndefined();
  });

  it('moves off it: an embedded 18 backup restores into the machine PostgreSQL 15, and back into 18', async () => {
    expect(await serverVersion(embedded.url)).toBeGreaterThanOrEqual(180000);
    orm = await openOrm({ url: embedded.url, poolMax: 4 });
    await migrateUp(orm);
    const db = { url: embedded.url, orm, em: () => orm!.em.fork(), queries: [], drop: async () => undefined };
    const { ctx } = await buildTenant(db as TestDatabase);
    const users = [await buildUser(ctx), await buildUser(ctx), await buildUser(ctx)];
    const inner = await buildGroup(ctx, { members: [{ value: users[0]!.id }] });
    await buildGroup(ctx, { members: [{ value: users[1]!.id }, { value: inner.id }] });
    const source = await tableCounts(embedded.url);
    expect(source.membership_interval).toBe(3);

    const { file } = await backupToBuffer(embedded.url);
    expect((await manifestOf(file)).serverVersion).toMatch(/^18/);

    const managed = await emptyDatabase();
    drops.push(managed.drop);
    expect(await serverVersion(managed.url)).toBeLessThan(180000);
    await restoreFromBuffer(managed.url, file);
    expect(await tableCounts(managed.url)).toEqual(source);

    // Back from 15 into a new database of the embedded cluster, whose transaction counter is far
    // behind the machine's: the restore moves it forward so the change feed keeps its order.
    const { file: back } = await backupToBuffer(managed.url);
    const sourceNext = BigInt((await manifestOf(back)).nextTxid);
    const again = await emptyDatabase(embedded.url.replace(/\/directory$/, '/postgres'));
    drops.push(again.drop);
    const before = await withClient(again.url, async (c) =>
      BigInt(
        (await c.query<{ x: string }>(`select pg_snapshot_xmax(pg_current_snapshot())::text as x`)).rows[0]!
          .x,
      ),
    );
    expect(before).toBeLessThan(sourceNext);
    await restoreFromBuffer(again.url, back);
    expect(await tableCounts(again.url)).toEqual(source);
    await withClient(again.url, async (c) => {
      const { rows } = await c.query<{ next: string; unread: string }>(
        `select pg_snapshot_xmax(pg_current_snapshot())::text as next,
           (select count(*) from audit_event where txid >= pg_snapshot_xmin(pg_current_snapshot()))::text as unread`,
      );
      expect(BigInt(rows[0]!.next)).toBeGreaterThanOrEqual(sourceNext);
      expect(rows[0]!.unread).toBe('0');
    });
  }, 120_000);
});
