import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from './database';

/** `npm run db:migrate`: applies pending migrations (on DATABASE_URL or the embedded server) and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPgPort,
    poolMax: 2,
    log: (m) => console.log(m),
  });
  console.log('migrations are up to date');
  await db.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
