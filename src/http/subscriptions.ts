import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChangeHub } from '../domain/changes/change.hub';
import type { DbSession } from '../domain/context';
import { isDomainError } from '../domain/errors';
import type { GraphQLContext } from '../graphql/context';
import { createFormatError } from '../graphql/errors';
import { analyzeOperation, type OperationLimits } from '../graphql/limits';
import { actingTenant } from './auth/acting-tenant';
import type { Authenticator } from './auth/authenticate';
import type { AuthOutcome } from './auth/principal';
import { authenticateSession, SESSION_COOKIE, type SessionCookie } from './auth/session';
import type { Logger } from './logger';

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  /** The database session every request uses (see compose.ts). */
  session: DbSession;
  authenticate: Authenticator;
  publicUrl: string;
  changeHub: ChangeHub;
  log: Logger;
  limits: OperationLimits;
  maxTokens: number;
  exposeStack: boolean;
  hideSchemaDetails: boolean;
  /** Open sockets one process serves; beyond, an upgrade is answered 503. */
  maxConnections?: number;
  /**
   * How often each open socket's credentials are checked again (default 30 s): a revoked API key,
   * a signed-out or expired session, an expired JWT closes the socket with 4401.
   */
  recheckMs?: number;
}

export interface SubscriptionServer {
  /** Serves WebSocket upgrades of `/graphql` on this HTTP server (the same port as POST /graphql). */
  attach(server: Server): void;
  /** Refuses new sockets and closes the open ones (1001 Going Away), so the HTTP drain can finish. */
  close(): Promise<void>;
  /** Open sockets. */
  connections(): number;
}

/** A connection's state, from its connection_init: who it is, and with what. */
interface Connection {
  auth: AuthOutcome;
  actingTenantId?: string;
  requestId: string;
  /** The credentials it authenticated with, checked again every recheckMs. */
  authorization?: string;
  cookie?: string;
}

/** Subscriptions cannot sign in, out or set cookies: the cookie is read once, at the upgrade. */
const NO_COOKIE: SessionCookie = {
  read: () => undefined,
  set: () => undefined,
  clear: () => undefined,
  crossOrigin: false,
};

function cookieOf(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie ?? '';
  const match = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]*)`).exec(header);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

function param(params: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = params?.[name] ?? params?.[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol) at /graphql, authenticated like
 * POST /graphql: a bearer token in connection_init's payload (`{ authorization: "Bearer …" }`),
 * or the console's session cookie on the upgrade request when its Origin is PUBLIC_URL's (ADR 0010:
 * a page of another site could otherwise open a socket with the browser's cookie). Without valid
 * credentials the socket is closed with 4403 before any operation. Only subscriptions are served;
 * queries and mutations go to POST /graphql, where admission control and the limits plugin run.
 */
export function createSubscriptionServer(opts: SubscriptionServerOptions): SubscriptionServer {
  const publicOrigin = new URL(opts.publicUrl).origin;
  const maxConnections = opts.maxConnections ?? 1000;
  const formatError = createFormatError({
    exposeStack: opts.exposeStack,
    hideSchemaDetails: opts.hideSchemaDetails,
  });
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => formatError(e.toJSON(), e));
  const states = new WeakMap<WebSocket, Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  let closing = false;
  let disposed: Promise<void> | undefined;

  const server = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: opts.schema,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const authorization = param(ctx.connectionParams, 'authorization');
        const cookie = authorization ? undefined : cookieOf(request);
        try {
          let auth: AuthOutcome;
          if (authorization) auth = await opts.authenticate(opts.session, authorization);
          else if (cookie && request.headers.origin === publicOrigin)
            auth = await authenticateSession(opts.session, cookie);
          else return false;
          if (auth.status !== 'authenticated') return false;
          const requestId = String(request.headers['x-request-id'] ?? '') || randomUUID();
          const actingTenantId = await actingTenant(
            opts.session,
            auth,
            param(ctx.connectionParams, 'x-checkproof-tenant'),
            requestId,
          );
          states.set(socket, {
            auth,
            requestId,
            ...(actingTenantId ? { actingTenantId } : {}),
            ...(authorization ? { authorization } : cookie ? { cookie } : {}),
          });
          return true;
        } catch (err) {
          if (!isDomainError(err)) opts.log.warn({ err }, 'could not authenticate a WebSocket connection');
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: opts.maxTokens });
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError('Malformed GraphQL document.')];
        }
        const invalid = validate(opts.schema, document);
        if (invalid.length > 0) return invalid;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation || operation.operation !== 'subscription') {
          return [
            new GraphQLError(
              'Only subscriptions are served over WebSocket; send queries and mutations as POST /graphql.',
              { extensions: { code: 'BAD_REQUEST' } },
            ),
          ];
        }
        const variables = payload.variables ?? {};
        try {
          analyzeOperation(opts.schema, document, operation, variables, opts.limits);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        const state = states.get(ctx.extra.socket)!;
        const contextValue: GraphQLContext = {
          auth: state.auth,
          requestId: state.requestId,
          log: opts.log.child({ requestId: state.requestId }),
          em: opts.session,
          publicUrl: opts.publicUrl,
          isAdminToken: () => false,
          session: NO_COOKIE,
          ...(state.actingTenantId ? { actingTenantId: state.actingTenantId } : {}),
          loaders: new Map(),
          changeHub: opts.changeHub,
        };
        const args: ExecutionArgs = {
          schema: opts.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: variables,
          contextValue,
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );

  // The credentials of a socket are those of its connection_init; a credential revoked, a session
  // signed out or expired, or a JWT expired since must not keep receiving the tenant's changes.
  const stillValid = async (state: Connection): Promise<boolean> => {
    try {
      const auth = state.authorization
        ? await opts.authenticate(opts.session, state.authorization)
        : state.cookie
          ? await authenticateSession(opts.session, state.cookie)
          : undefined;
      return auth?.status === 'authenticated';
    } catch (err) {
      // The database is unreachable: keep the socket; the next check decides.
      if (!isDomainError(err)) opts.log.warn({ err }, 'could not check a WebSocket connection again');
      return true;
    }
  };
  const recheck = setInterval(() => {
    for (const socket of wss.clients) {
      const state = states.get(socket);
      if (!state) continue;
      void stillValid(state).then((valid) => {
        if (!valid && socket.readyState === socket.OPEN) socket.close(4401, 'Unauthorized');
      });
    }
  }, opts.recheckMs ?? 30_000);
  recheck.unref();

  return {
    attach(http) {
      http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const path = (request.url ?? '').split('?')[0];
        const refuse = (status: string) => {
          socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        };
        if (path !== '/graphql') return refuse('404 Not Found');
        if (closing || wss.clients.size >= maxConnections) return refuse('503 Service Unavailable');
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      });
    },
    close() {
      closing = true;
      clearInterval(recheck);
      disposed ??= Promise.resolve(server.dispose());
      return disposed;
    },
    connections: () => wss.clients.size,
  };
}
