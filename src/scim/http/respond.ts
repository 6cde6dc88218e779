import type { Context } from 'koa';
import { toErrorBody, type ScimError } from '../protocol/errors';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Sends a SCIM JSON body (every SCIM response is application/scim+json). */
export function sendScim(ctx: Context, status: number, body?: unknown): void {
  ctx.status = status;
  if (body === undefined) {
    ctx.body = null;
    ctx.status = status;
    return;
  }
  ctx.body = JSON.stringify(body);
  ctx.type = SCIM_CONTENT_TYPE;
}

/** Sends an RFC 7644 §3.12 error body. */
export function sendScimError(ctx: Context, err: ScimError): void {
  sendScim(ctx, err.status, toErrorBody(err));
  if (err.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="scim"');
  if (err.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(err.retryAfterSeconds));
}
