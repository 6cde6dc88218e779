/** Who a console session signs in: the operator, or the administrator of one tenant. */
export type SessionKind = 'operator' | 'tenant_admin';

/** A live console session (never its secret or hash). */
export interface ConsoleSession {
  id: string;
  kind: SessionKind;
  /** The tenant of a tenant_admin session; null for the operator. */
  tenantId: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A session just started: the secret goes into the cookie and is never stored. */
export interface StartedSession {
  session: ConsoleSession;
  secret: string;
}

/** A setup link just created: the secret is part of the URL, shown once. */
export interface IssuedSetupLink {
  id: string;
  tenantId: string;
  secret: string;
  expiresAt: Date;
}

/** A session ends this long after its last use … */
export const SESSION_IDLE_SECONDS = 30 * 60;
/** … and this long after it started, whatever its use. */
export const SESSION_MAX_SECONDS = 12 * 60 * 60;
/** last_seen_at is written at most this often per session, not on every request. */
export const SESSION_TOUCH_SECONDS = 60;
/** Longest life of a setup link, in hours (7 days). */
export const SETUP_LINK_MAX_HOURS = 168;
