import type Koa from 'koa';
import type { DbSession } from '../../domain/context';
import { findLiveSession } from '../../domain/console/session.service';
import { API_SCOPES } from '../../domain/credentials/credential.types';
import { withTenantStanding } from './authenticate';
import type { AuthOutcome } from './principal';

/** The console's session cookie (ADR 0010). */
export const SESSION_COOKIE = 'cpd_session';

/** What a resolver may do with the request's session cookie (built from the Koa context). */
export interface SessionCookie {
  /** The cookie's value, if the request sent one. */
  read(): string | undefined;
  /** Sets the cookie to a new session's secret, until the session's absolute expiry. */
  set(secret: string, expiresAt: Date): void;
  /** Tells the browser to forget the cookie. */
  clear(): void;
  /** The request names an Origin other than PUBLIC_URL's (a page of another site sent it). */
  readonly crossOrigin: boolean;
}

/** The Koa context's cookies as a SessionCookie: HttpOnly, SameSite=Lax, Path=/, Secure for https. */
export function sessionCookie(ctx: Koa.Context, publicUrl: string): SessionCookie {
  const secure = new URL(publicUrl).protocol === 'https:';
  const write = (value: string | null, expires: Date) => {
    // TLS usually ends at a proxy in front of us, and `cookies` refuses a Secure cookie over a
    // plain connection: PUBLIC_URL says what the browser sees.
    if (secure) ctx.cookies.secure = true;
    ctx.cookies.set(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure,
      expires,
      overwrite: true,
    });
  };
  const origin = ctx.get('origin');
  return {
    crossOrigin: origin !== '' && origin !== new URL(publicUrl).origin,
    read: () => ctx.cookies.get(SESSION_COOKIE) || undefined,
    set: (secret, expiresAt) => write(secret, expiresAt),
    clear: () => write(null, new Date(0)),
  };
}

/**
 * Why a request authenticated by the session cookie must be refused as a possible cross-site
 * request forgery, or undefined when it may go on: its Origin must be PUBLIC_URL's origin (browsers
 * always send Origin on POST, so none is refused too) and its body application/json, which no
 * form or simple cross-site request can send.
 */
export function csrfRefusal(ctx: Koa.Context, publicOrigin: string): string | undefined {
  const origin = ctx.get('origin');
  if (!origin) return 'a request authenticated by the session cookie must send an Origin header';
  if (origin !== publicOrigin)
    return `requests authenticated by the session cookie must come from ${publicOrigin}`;
  const type = (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase();
  if (type !== 'application/json')
    return 'a request authenticated by the session cookie must have Content-Type: application/json';
  return undefined;
}

/** The principal of a console session cookie: the operator, or the administrator of one tenant. */
export async function authenticateSession(em: DbSession, secret: string): Promise<AuthOutcome> {
  const session = await findLiveSession(em, secret);
  if (!session) return { status: 'rejected', reason: 'your console session has ended; sign in again' };
  if (session.kind === 'operator')
    return { status: 'authenticated', principal: { kind: 'operator', sessionId: session.id } };
  return withTenantStanding(em, {
    status: 'authenticated',
    principal: {
      kind: 'tenantAdmin',
      tenantId: session.tenantId!,
      scopes: [...API_SCOPES],
      sessionId: session.id,
    },
  });
}
