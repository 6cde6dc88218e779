import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const pg = globalThis.__EMBEDDED_PG__;
  if (pg) await pg.stop();
  const parent = globalThis.__EMBEDDED_PG_PARENT__;
  if (parent) rmSync(parent, { recursive: true, force: true });
}
