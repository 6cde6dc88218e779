import { randomUUID } from 'node:crypto';
import type { DbSession } from '../context';
import { generateSecret, hashSecret } from '../credentials/secrets';
import { PREPARE, query, sql, type SqlFragment } from '../sql';
import {
  SESSION_IDLE_SECONDS,
  SESSION_MAX_SECONDS,
  SESSION_TOUCH_SECONDS,
  type ConsoleSession,
  type SessionKind,
  type StartedSession,
} from './session.types';

type Row = Record<string, unknown>;

export const SESSION_COLUMNS = sql`id, kind, tenant_id, created_at, last_seen_at, expires_at`;
const SECRET_MARKER = 'cpd_session_';

/** Maps a console_session row. */
export function toSession(row: Row): ConsoleSession {
  return {
    id: String(row.id),
    kind: row.kind as SessionKind,
    tenantId: row.tenant_id ? String(row.tenant_id) : null,
    createdAt: new Date(row.created_at as string),
    lastSeenAt: new Date(row.last_seen_at as string),
    expiresAt: new Date(row.expires_at as string),
  };
}

/** The stored form of a secret: its SHA-256 (bytea), computed in the statement from the bound hex. */
export function secretHash(secret: string): SqlFragment {
  return sql`decode(${hashSecret(secret)}, 'hex')`;
}

/**
 * The INSERT of a new session with `secret`, for `tenant` (an expression over `from`, or null),
 * returning its columns; lives SESSION_MAX_SECONDS from now at most.
 */
export function sessionInsert(
  secret: string,
  kind: SessionKind,
  tenant: SqlFragment,
  from: SqlFragment = sql.empty,
): SqlFragment {
  return sql`insert into console_session (id, token_hash, kind, tenant_id, expires_at)
    select ${randomUUID()}, ${secretHash(secret)}, ${kind}, ${tenant}, now() + make_interval(secs => ${SESSION_MAX_SECONDS}) ${from}
    returning ${SESSION_COLUMNS}`;
}

/** Starts a session; the returned secret is the cookie's value. */
export async function startSession(
  em: DbSession,
  kind: SessionKind,
  tenantId: string | null,
): Promise<StartedSession> {
  const secret = generateSecret('session');
  const rows = await query<Row>(em, sessionInsert(secret, kind, sql`${tenantId}::uuid`), PREPARE);
  return { session: toSession(rows[0]!), secret };
}

/**
 * The live session a cookie's secret belongs to (one lookup by the hash's unique index), or null
 * when unknown, revoked, idle for SESSION_IDLE_SECONDS or older than SESSION_MAX_SECONDS. Its
 * last_seen_at is written in the same statement, but only when older than SESSION_TOUCH_SECONDS.
 */
export async function findLiveSession(em: DbSession, secret: string): Promise<ConsoleSession | null> {
  if (!secret.startsWith(SECRET_MARKER) || secret.length > 100) return null;
  const rows = await query<Row>(
    em,
    sql`with s as (select ${SESSION_COLUMNS} from console_session
        where token_hash = ${secretHash(secret)} and revoked_at is null and expires_at > now()
          and last_seen_at > now() - make_interval(secs => ${SESSION_IDLE_SECONDS})),
      t as (update console_session c set last_seen_at = now() from s
        where c.id = s.id and s.last_seen_at < now() - make_interval(secs => ${SESSION_TOUCH_SECONDS}))
      select * from s`,
    PREPARE,
  );
  return rows[0] ? toSession(rows[0]) : null;
}

/** Ends a session at once (signing out twice is harmless). */
export async function revokeSession(em: DbSession, id: string): Promise<void> {
  await query(
    em,
    sql`update console_session set revoked_at = coalesce(revoked_at, now()) where id = ${id}`,
    PREPARE,
  );
}
