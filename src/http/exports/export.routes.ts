import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Koa from 'koa';
import { isDomainError, retryAfterOf, type DomainError } from '../../domain/errors';
import { exportPlan } from '../../domain/exports/export.queries';
import type { ExportDataset, ExportSnapshot, OpenExportSnapshot } from '../../domain/exports/export.types';
import { asUnavailable, isUuid } from '../../domain/sql';
import { findTenant } from '../../domain/tenants/tenant.service';
import type { Authenticator } from '../auth/authenticate';
import type { AuthOutcome } from '../auth/principal';
import { authenticateSession, SESSION_COOKIE } from '../auth/session';
import type { RequestState } from '../state';
import { chunker, csvEncoder, ndjsonEncoder, type ExportFormat } from './export.format';

export interface ExportRoutesOptions {
  authenticate: Authenticator;
  openSnapshot: OpenExportSnapshot;
}

const PATH = /^\/exports\/([^/]{1,64})\/(users|groups|memberships)\.(csv|ndjson)$/;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/** An answer before the first byte of an export: JSON `{ error, requestId }`, as the shell's others. */
function refuse(ctx: Koa.ParameterizedContext<RequestState>, status: number, message: string): void {
  ctx.status = status;
  ctx.body = { error: message, requestId: ctx.state.requestId };
  ctx.state.errorReason = message;
}

function refuseDomain(ctx: Koa.ParameterizedContext<RequestState>, err: DomainError): void {
  const status = err.code === 'TOO_MANY_REQUESTS' ? 429 : err.code === 'UNAVAILABLE' ? 503 : 500;
  if (status !== 500) ctx.set('Retry-After', String(retryAfterOf(err) ?? 1));
  refuse(ctx, status, status === 500 ? 'internal server error' : err.message);
}

/**
 * Who asks: the bearer token (API key, JWT or ADMIN_TOKEN), or without one the console's session
 * cookie. A download is a GET, which a page of another site can make the browser send with the
 * cookie (SameSite=Lax allows top-level navigations); it cannot read the answer, but it could
 * start expensive exports. So the cookie counts only when the browser says the request comes from
 * the console's own pages or from the address bar (Sec-Fetch-Site same-origin or none).
 */
async function authenticate(
  ctx: Koa.ParameterizedContext<RequestState>,
  opts: ExportRoutesOptions,
): Promise<AuthOutcome | string> {
  const authorization = ctx.get('authorization') || undefined;
  const cookie = authorization ? undefined : ctx.cookies.get(SESSION_COOKIE);
  if (!cookie) return opts.authenticate(ctx.state.em, authorization);
  const site = ctx.get('sec-fetch-site');
  if (site !== 'same-origin' && site !== 'none')
    return 'an export authenticated by the session cookie must be opened from the console (Sec-Fetch-Site same-origin or none)';
  return authenticateSession(ctx.state.em, cookie);
}

/**
 * The tenant an authenticated caller may export, or undefined: the operator any existing tenant;
 * a tenant credential (API key, JWT, a tenant administrator's console session) only its own, and
 * every tenant scope includes reading. Another tenant's id and an unknown one get the same answer.
 */
async function tenantFor(
  ctx: Koa.ParameterizedContext<RequestState>,
  auth: Extract<AuthOutcome, { status: 'authenticated' }>,
  wanted: string,
): Promise<string | undefined> {
  if (!isUuid(wanted)) return undefined;
  const principal = auth.principal;
  if (principal.kind !== 'operator') return principal.tenantId === wanted ? wanted : undefined;
  const tenant = await findTenant(
    {
      actor: { kind: 'operator', id: 'operator' },
      em: ctx.state.em,
      requestId: ctx.state.requestId,
      log: ctx.state.log,
    },
    wanted,
  );
  return tenant?.id;
}

/** The first row is in (or the rows ended); rejects with the statement's error. */
function firstRow(rows: Readable): Promise<void> {
  if (rows.readableLength > 0 || rows.readableEnded) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    // 'readable' also fires at the end of an empty result. No listener may outlive the wait: a
    // later error must reach the pipeline, not a forgotten promise.
    const done = (err?: Error) => {
      rows.off('readable', onReadable);
      rows.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onReadable = () => done();
    rows.once('readable', onReadable);
    rows.once('error', done);
  });
}

/**
 * GET /exports/<tenant>/<users|groups|memberships>.<csv|ndjson>: a tenant's directory streamed from
 * one consistent snapshot. Authentication, the tenant, an expensive-work slot, the connection and
 * the statement's first row are all settled before the status line, so any failure until then is
 * an ordinary JSON answer (401, 403, 404, 503). After it, a failure or a client that leaves
 * destroys the response (the download ends without its last chunk, so the client sees it
 * truncated rather than a short file) and closes the export's connection.
 */
export function exportRoutes(opts: ExportRoutesOptions): Koa.Middleware<RequestState> {
  return async (ctx, next) => {
    const match = PATH.exec(ctx.path);
    if (!match) return next();
    if (ctx.method !== 'GET') {
      ctx.set('Allow', 'GET');
      return refuse(ctx, 405, 'Exports are read with GET.');
    }
    const wanted = match[1]!.toLowerCase();
    const dataset = match[2] as ExportDataset;
    const format = match[3] as ExportFormat;

    let auth: AuthOutcome | string;
    let tenantId: string | undefined;
    try {
      auth = await authenticate(ctx, opts);
      if (typeof auth === 'string') return refuse(ctx, 403, `Refused: ${auth}.`);
      if (auth.status === 'suspended') {
        ctx.state.errorReason = 'tenant suspended';
        return refuse(ctx, 403, 'This tenant is suspended; contact CheckProof support.');
      }
      if (auth.status !== 'authenticated') {
        ctx.set('WWW-Authenticate', 'Bearer');
        return refuse(
          ctx,
          401,
          auth.status === 'anonymous'
            ? 'An API key (Authorization: Bearer …) is required.'
            : `Unauthenticated: ${auth.reason}.`,
        );
      }
      tenantId = await tenantFor(ctx, auth, wanted);
    } catch (err) {
      const known = isDomainError(err) ? err : asUnavailable(err);
      if (known) return refuseDomain(ctx, known);
      throw err;
    }
    if (!tenantId) return refuse(ctx, 404, 'Tenant not found.');
    ctx.state.tenantId = tenantId;

    let release: (() => void) | undefined;
    let snapshot: ExportSnapshot | undefined;
    // A client that leaves while the statement works toward its first row (a sort of every
    // membership) stops it there.
    const onGone = () => snapshot?.abort();
    ctx.req.socket.once('close', onGone);
    try {
      release = await ctx.state.enterExpensive?.();
      snapshot = await opts.openSnapshot();
      const plan = exportPlan(dataset, tenantId);
      const rows = snapshot.rows(plan.statement);
      await firstRow(rows);
      ctx.status = 200;
      const name = `${dataset}-${tenantId}.${format}`;
      ctx.res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[format],
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      ctx.respond = false;
      const encode =
        format === 'csv'
          ? csvEncoder(plan.columns, { bom: ctx.query.bom === 'true' })
          : ndjsonEncoder(plan.columns);
      const open = snapshot;
      let failure: unknown;
      rows.once('error', (err) => (failure = err));
      // A client that leaves stops the export at once, whatever the pipeline is waiting for.
      ctx.res.once('close', () => {
        if (!ctx.res.writableFinished) open.abort();
      });
      try {
        await pipeline([rows, ...encode, chunker(), ctx.res]);
      } catch (err) {
        open.abort();
        ctx.res.destroy();
        if (failure) {
          ctx.state.errorReason = 'export failed while streaming (response cut short)';
          ctx.state.log.error({ err: failure, tenantId, dataset }, 'export failed while streaming');
        } else {
          ctx.state.errorReason = `export cut short: ${(err as Error).message}`;
        }
        return;
      }
      // Every row was sent; a failed commit of a read-only transaction loses nothing.
      await open
        .finish()
        .catch((err: unknown) => ctx.state.log.warn({ err }, 'export snapshot close failed'));
    } catch (err) {
      snapshot?.abort();
      if (ctx.req.socket.destroyed) {
        ctx.state.errorReason = 'the client left before the first row';
        return;
      }
      const known = isDomainError(err) ? err : asUnavailable(err);
      if (known) return refuseDomain(ctx, known);
      ctx.state.log.error({ err, tenantId, dataset }, 'export failed before its first row');
      return refuse(ctx, 500, 'internal server error');
    } finally {
      ctx.req.socket.off('close', onGone);
      release?.();
    }
  };
}
