import type { ChangeHub } from '../domain/changes/change.hub';
import type { DbSession, DirectoryContext, OperatorContext } from '../domain/context';
import type { AuthOutcome, Principal } from '../http/auth/principal';
import type { SessionCookie } from '../http/auth/session';
import type { Logger } from '../http/logger';
import { GraphQLError } from 'graphql';

/** What every resolver receives. */
export interface GraphQLContext {
  auth: AuthOutcome;
  requestId: string;
  log: Logger;
  /**
   * The session resolvers run SQL through: the primary's, or, for a query operation allowed to
   * read from a replica, the one readSession gave (set before execution; see graphql/server.ts).
   */
  em: DbSession;
  /**
   * A replica's session for a query operation, or undefined to stay on the primary; absent when
   * the request must read on the primary whatever it runs (no replicas, console sessions).
   */
  readSession?: () => DbSession | undefined;
  publicUrl: string;
  /**
   * The tenant the operator acts in (X-CheckProof-Tenant, checked to exist before execution);
   * tenant-scoped fields then run there with every scope.
   */
  actingTenantId?: string;
  /** Whether a token is ADMIN_TOKEN (constant time), for signIn. */
  isAdminToken: (token: string) => boolean;
  /** The console's session cookie, for signIn, redeemSetupLink and signOut. */
  session: SessionCookie;
  /** Per-request caches (dataloaders), created lazily by resolvers. */
  loaders: Map<string, unknown>;
  /**
   * Waits for one of the process's few slots for expensive work (admission control; absent in
   * tests that build no admission), shared with large SCIM pages.
   */
  enterExpensive?: () => Promise<() => void>;
  /** Where webhooks may point (WEBHOOK_ALLOW_PRIVATE_TARGETS); private targets are refused without it. */
  webhookTargets?: { allowPrivate: boolean };
  /** Notes a tenant whose change feed the operation wrote to (announced after the request). */
  noteChange?: (tenantId: string) => void;
  /** The process's change-feed wake-ups; present on WebSocket connections (subscriptions). */
  changeHub?: ChangeHub;
}

/** The authenticated principal, or UNAUTHENTICATED. */
export function principalOf(ctx: GraphQLContext): Principal {
  if (ctx.auth.status === 'authenticated') return ctx.auth.principal;
  if (ctx.auth.status === 'suspended') throw tenantSuspendedError();
  throw new GraphQLError(
    ctx.auth.status === 'rejected'
      ? `Authentication failed: ${ctx.auth.reason}.`
      : 'Authentication required: send Authorization: Bearer <token>.',
    { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
  );
}

/**
 * Refusal of a suspended tenant's credentials: FORBIDDEN (HTTP 403) with reason TENANT_SUSPENDED,
 * so clients can tell it from a missing scope.
 */
export function tenantSuspendedError(): GraphQLError {
  return new GraphQLError(
    'This tenant is suspended by the CheckProof operator: its API keys, JWTs and console sessions are refused until it is resumed. Contact CheckProof support.',
    { extensions: { code: 'FORBIDDEN', reason: 'TENANT_SUSPENDED', http: { status: 403 } } },
  );
}

/** A domain context for the operator (tenant management). */
export function operatorCtx(ctx: GraphQLContext): OperatorContext {
  return {
    actor: { kind: 'operator', id: 'operator', name: 'operator' },
    em: ctx.em,
    requestId: ctx.requestId,
    log: ctx.log,
    ...(ctx.noteChange ? { noteChange: ctx.noteChange } : {}),
  };
}

/** A domain context inside the caller's tenant; the tenant always comes from the credential. */
export function tenantCtx(ctx: GraphQLContext): DirectoryContext {
  const p = principalOf(ctx);
  const base = {
    em: ctx.em,
    requestId: ctx.requestId,
    log: ctx.log,
    warnings: [],
    ...(ctx.noteChange ? { noteChange: ctx.noteChange } : {}),
  };
  if (p.kind === 'operator') {
    if (ctx.actingTenantId)
      return {
        ...base,
        tenantId: ctx.actingTenantId,
        actor: { kind: 'operator', id: 'operator', name: 'operator' },
      };
    throw new GraphQLError(
      'The operator token manages tenants; use a tenant API key or JWT for directory data, or name the tenant in X-CheckProof-Tenant.',
      {
        extensions: { code: 'FORBIDDEN' },
      },
    );
  }
  const actor =
    p.kind === 'apiKey'
      ? { kind: 'apiKey' as const, id: p.credentialId, ...(p.name ? { name: p.name } : {}) }
      : p.kind === 'jwt'
        ? { kind: 'jwt' as const, id: p.subject }
        : { kind: 'session' as const, id: p.sessionId, name: 'console session' };
  return { ...base, tenantId: p.tenantId, actor };
}
