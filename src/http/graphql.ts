import { bodyParser } from '@koa/bodyparser';
import type { ApolloServer } from '@apollo/server';
import type Koa from 'koa';
import type { DbSession } from '../domain/context';
import { isDomainError } from '../domain/errors';
import { asUnavailable } from '../domain/sql';
import { releaseSlots } from '../graphql/admission';
import type { GraphQLContext } from '../graphql/context';
import { domainHttpError } from '../graphql/errors';
import { actingTenant, TENANT_HEADER } from './auth/acting-tenant';
import { safeEqual, type Authenticator } from './auth/authenticate';
import type { AuthOutcome } from './auth/principal';
import { authenticateSession, csrfRefusal, SESSION_COOKIE, sessionCookie } from './auth/session';
import type { RequestState } from './state';

export interface GraphQLMountOptions {
  server: ApolloServer<GraphQLContext>;
  authenticate: Authenticator;
  /** ADMIN_TOKEN, which signIn compares in constant time (without it, signIn always fails). */
  adminToken?: string;
  publicUrl: string;
  maxBodyBytes?: number;
  /**
   * Send a browser's GET /graphql to the GraphQL IDE in the console, /console/graphql (GRAPHQL_IDE;
   * on outside production by default).
   */
  ide?: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS, for checking webhook URLs (refused when absent). */
  allowPrivateWebhookTargets?: boolean;
  /**
   * A fresh replica's session, or undefined (DATABASE_REPLICA_URLS; absent without replicas):
   * query operations of API keys, JWTs and the operator token read from it.
   */
  readSession?: () => DbSession | undefined;
}

/**
 * Mounts Apollo on the Koa app at /graphql through the official @as-integrations/koa package.
 * That package is ESM-only, so it is loaded with import() from this CommonJS build (ADR 0001).
 */
export async function graphqlMiddleware(opts: GraphQLMountOptions): Promise<Koa.Middleware<RequestState>[]> {
  const { koaMiddleware } = await import('@as-integrations/koa');
  // The GraphQL context of each request, to give back its admission slots when it ends.
  const contexts = new WeakMap<Koa.Context, GraphQLContext>();
  // The ESM build's ApolloServer type differs nominally from the CommonJS one we construct; same object at run time.
  const apollo = koaMiddleware(
    opts.server as never,
    {
      context: async ({ ctx }: { ctx: Koa.Context }): Promise<GraphQLContext> => {
        const state = ctx.state as RequestState;
        let auth: AuthOutcome;
        let actingTenantId: string | undefined;
        let cookie: string | undefined;
        try {
          const authorization = ctx.get('authorization') || undefined;
          // The console's cookie counts only without an Authorization header, and only on POST
          // (a query over GET is no CSRF-safe request); the CSRF check ran before the body was read.
          cookie = !authorization && ctx.method === 'POST' ? ctx.cookies.get(SESSION_COOKIE) : undefined;
          auth = cookie
            ? await authenticateSession(state.em, cookie)
            : await opts.authenticate(state.em, authorization);
          actingTenantId = await actingTenant(
            state.em,
            auth,
            ctx.get(TENANT_HEADER) || undefined,
            state.requestId,
          );
        } catch (err) {
          // The API key lookup reads the database: UNAVAILABLE becomes 503 + Retry-After, not 500.
          const known = isDomainError(err) ? err : asUnavailable(err);
          throw known ? domainHttpError(known) : err;
        }
        // For the request's log line and metrics.
        if (
          (auth.status === 'authenticated' || auth.status === 'suspended') &&
          auth.principal.kind !== 'operator'
        )
          state.tenantId = auth.principal.tenantId;
        else if (actingTenantId) state.tenantId = actingTenantId;
        else if (auth.status === 'rejected') state.errorReason = auth.reason;
        if (auth.status === 'suspended') state.errorReason = 'tenant suspended';
        const context: GraphQLContext = {
          auth,
          requestId: state.requestId,
          log: state.log,
          // Authentication above ran on the primary (a revoked key must fail at once; API-key use
          // is recorded there). The console reads on the primary too: a person who just changed
          // something expects the next page to show it, which a replica only promises within its lag.
          em: state.em,
          ...(opts.readSession && !cookie ? { readSession: opts.readSession } : {}),
          publicUrl: opts.publicUrl,
          isAdminToken: (token) => opts.adminToken !== undefined && safeEqual(token, opts.adminToken),
          session: sessionCookie(ctx, opts.publicUrl),
          ...(actingTenantId ? { actingTenantId } : {}),
          loaders: new Map(),
          webhookTargets: { allowPrivate: opts.allowPrivateWebhookTargets === true },
          ...(state.enterExpensive ? { enterExpensive: state.enterExpensive } : {}),
          ...(state.noteChange ? { noteChange: state.noteChange } : {}),
        };
        contexts.set(ctx, context);
        return context;
      },
    } as never,
  );
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: opts.maxBodyBytes ?? 1024 * 1024 });
  const publicOrigin = new URL(opts.publicUrl).origin;
  const onlyGraphql: Koa.Middleware<RequestState> = async (ctx, next) => {
    if (ctx.path !== '/graphql') return next();
    if (ctx.method === 'POST' && !ctx.get('authorization') && ctx.cookies.get(SESSION_COOKIE)) {
      const refusal = csrfRefusal(ctx, publicOrigin);
      if (refusal) {
        ctx.status = 403;
        ctx.body = { errors: [{ message: `Refused: ${refusal}.`, extensions: { code: 'FORBIDDEN' } }] };
        ctx.state.errorReason = refusal;
        return;
      }
    }
    try {
      await parse(ctx, async () => undefined);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      ctx.status = status === 413 ? 413 : 400;
      ctx.body = {
        errors: [
          {
            message: status === 413 ? 'Request body too large.' : 'Malformed JSON body.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      };
      return;
    }
    try {
      await (apollo as unknown as Koa.Middleware<RequestState>)(ctx, next);
    } finally {
      // Normally given back as the response is sent (graphql/server.ts); this catches any path that skips it.
      const context = contexts.get(ctx);
      if (context) releaseSlots(context);
    }
    if (ctx.status >= 400 && !ctx.state.errorReason) ctx.state.errorReason = firstErrorMessage(ctx.body);
  };
  return opts.ide ? [ideRedirect, onlyGraphql] : [onlyGraphql];
}

/**
 * A browser opening /graphql (a navigation: it prefers HTML to JSON) goes to the GraphQL IDE, which
 * the console serves at /console/graphql (web/src/pages/GraphiQL.tsx), with the query string
 * (`?query=…&variables=…` open in its first tab). GraphQL over GET asks for JSON and is not
 * redirected.
 */
const ideRedirect: Koa.Middleware<RequestState> = async (ctx, next) => {
  if (
    ctx.path === '/graphql' &&
    (ctx.method === 'GET' || ctx.method === 'HEAD') &&
    ctx.accepts(['application/json', 'text/html']) === 'text/html'
  ) {
    ctx.status = 302;
    ctx.redirect(`/console/graphql${ctx.search}`);
    return;
  }
  return next();
};

/** The first error message of a GraphQL error answer (small: only read for 4xx and 5xx), for the log line. */
function firstErrorMessage(body: unknown): string | undefined {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as {
      errors?: Array<{ message?: unknown }>;
    };
    const message = parsed?.errors?.[0]?.message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
