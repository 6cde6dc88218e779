import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { revokeSession, startSession } from '../../domain/console/session.service';
import { createSetupLink, redeemSetupLink } from '../../domain/console/setup-link.service';
import { DomainError } from '../../domain/errors';
import type { Principal } from '../../http/auth/principal';
import { Viewer } from '../admin/admin.type';
import { operatorCtx, type GraphQLContext } from '../context';
import { SetupLink } from './setup-link.type';
import { toViewer } from './viewer';

/**
 * A page of another site must not sign a browser in (to an account of the attacker's choosing):
 * the mutations that set the cookie refuse a foreign Origin. Clients that send none (curl) are no
 * browser and pass.
 */
function refuseCrossOrigin(ctx: GraphQLContext): void {
  if (ctx.session.crossOrigin)
    throw new GraphQLError('Sign in from the console itself.', { extensions: { code: 'FORBIDDEN' } });
}

/** Revokes the live session this request came with, if any; true when there was one. */
async function endCurrentSession(ctx: GraphQLContext): Promise<boolean> {
  // A suspended tenant's administrator may still sign out.
  const p =
    ctx.auth.status === 'authenticated' || ctx.auth.status === 'suspended' ? ctx.auth.principal : undefined;
  const sessionId = p && (p.kind === 'operator' || p.kind === 'tenantAdmin') ? p.sessionId : undefined;
  if (sessionId) await revokeSession(ctx.em, sessionId);
  return sessionId !== undefined;
}

/** The console's sign-in and sessions (ADR 0010); the session lives in the cpd_session cookie. */
@Resolver()
export class SessionResolver {
  @Mutation(() => Viewer, {
    description:
      'Signs the operator in to the console with ADMIN_TOKEN: sets the cpd_session cookie (12 hours at most, 30 minutes idle).',
  })
  async signIn(@Arg('adminToken') adminToken: string, @Ctx() ctx: GraphQLContext): Promise<Viewer> {
    refuseCrossOrigin(ctx);
    if (!ctx.isAdminToken(adminToken)) {
      ctx.log.warn({}, 'console sign-in with a wrong admin token');
      throw new DomainError('UNAUTHENTICATED', 'Sign-in failed: that is not the admin token.');
    }
    // A new sign-in replaces the browser's previous session rather than leaving it alive.
    await endCurrentSession(ctx);
    const { session, secret } = await startSession(ctx.em, 'operator', null);
    ctx.session.set(secret, session.expiresAt);
    return toViewer({ kind: 'operator', sessionId: session.id });
  }

  @Mutation(() => Viewer, {
    description:
      "Redeems a setup link (its last path segment) once: signs its tenant's administrator in and sets the cpd_session cookie.",
  })
  async redeemSetupLink(@Arg('secret') secret: string, @Ctx() ctx: GraphQLContext): Promise<Viewer> {
    refuseCrossOrigin(ctx);
    const { session, secret: cookie } = await redeemSetupLink(ctx.em, secret);
    await endCurrentSession(ctx);
    ctx.session.set(cookie, session.expiresAt);
    const principal: Principal = {
      kind: 'tenantAdmin',
      tenantId: session.tenantId!,
      scopes: ['DIRECTORY_READ', 'DIRECTORY_WRITE', 'TENANT_ADMIN'],
      sessionId: session.id,
    };
    return toViewer(principal);
  }

  @Mutation(() => Boolean, {
    description:
      'Ends the console session of this request and clears its cookie; false when there was no live session.',
  })
  async signOut(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    const ended = await endCurrentSession(ctx);
    if (ctx.session.read() !== undefined) ctx.session.clear();
    return ended;
  }

  @Authorized('OPERATOR')
  @Mutation(() => SetupLink, {
    description:
      "Creates a single-use link that signs the tenant's administrator in to the console (operator only).",
  })
  async createSetupLink(
    @Arg('tenantId', () => ID) tenantId: string,
    @Arg('expiresInHours', () => Int, {
      defaultValue: 72,
      description: 'How long the link works: 1 to 168 hours (7 days).',
    })
    expiresInHours: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SetupLink> {
    const link = await createSetupLink(operatorCtx(ctx), tenantId.toLowerCase(), expiresInHours);
    return { url: `${ctx.publicUrl}/console/setup/${link.secret}`, expiresAt: link.expiresAt };
  }
}
