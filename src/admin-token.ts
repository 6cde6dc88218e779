import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

/** Where the generated development admin token is kept, inside DATA_DIR. */
export function adminTokenFile(dataDir: string): string {
  return path.join(dataDir, 'admin-token');
}

/**
 * With no ADMIN_TOKEN (never in production), the token generated for this run is kept in
 * DATA_DIR/admin-token (mode 0600) and the one already there is used instead, so a restart does
 * not sign everyone out of the console or break a saved curl. Returns the config with that token.
 */
export function keepGeneratedAdminToken(config: Config): Config {
  if (!config.adminTokenGenerated) return config;
  const file = adminTokenFile(config.dataDir);
  const kept = readKept(file);
  if (kept) {
    // An older copy, or one restored from a backup, may be readable by others: it is a password.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return Object.freeze({ ...config, adminToken: kept });
  }
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, `${config.adminToken}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // `mode` applies only to a file the call creates
  return config;
}

function readKept(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const token = text.trim();
  // Same rule as ADMIN_TOKEN; an emptied or truncated file is replaced by a new token.
  return token.length >= 16 ? token : undefined;
}
