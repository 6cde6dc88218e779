import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { OperatorContext } from '../../domain/context';
import {
  issueCredential,
  listCredentials,
  revokeCredential,
  revokeLiveCredentials,
  rotateCredential,
} from '../../domain/credentials/credential.service';
import { DomainError } from '../../domain/errors';
import { revokeTenantScimTokens, rotateTenantScimToken } from '../../domain/tenants/tenant-lifecycle.service';
import { findTenant } from '../../domain/tenants/tenant.service';
import { badInput } from '../common/connection';
import { operatorCtx, principalOf, tenantCtx, type GraphQLContext } from '../context';
import { scimUrl } from '../urls';
import {
  ApiKey,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  Provisioning,
  RevokeScimTokensPayload,
  RotateScimTokenPayload,
  ScimToken,
  toApiKey,
  toScimToken,
  Viewer,
} from './admin.type';
import { toViewer } from '../console/viewer';

@Resolver()
export class AdminResolver {
  @Authorized()
  @Query(() => Viewer, { description: 'Who you are authenticated as, with your scopes.' })
  viewer(@Ctx() ctx: GraphQLContext): Viewer {
    return toViewer(principalOf(ctx));
  }

  @Authorized('TENANT_ADMIN')
  @Query(() => Provisioning, { description: "Your tenant's SCIM URL and live provisioning tokens." })
  async provisioning(@Ctx() ctx: GraphQLContext): Promise<Provisioning> {
    const dctx = tenantCtx(ctx);
    const tokens = await listCredentials(dctx.em, dctx.tenantId, 'SCIM_TOKEN');
    return {
      scimUrl: scimUrl(ctx.publicUrl, dctx.tenantId),
      tokens: tokens.filter((t) => !t.revokedAt).map(toScimToken),
    };
  }

  @Authorized('OPERATOR', 'TENANT_ADMIN')
  @Mutation(() => RotateScimTokenPayload, {
    description:
      'Issues a new SCIM token. Older tokens keep working until you revoke them, so Entra is not interrupted; revokeOthers revokes them in the same transaction instead (a leaked token). The operator names the tenant (or acts in it); a tenant admin rotates its own.',
  })
  async rotateScimToken(
    @Ctx() ctx: GraphQLContext,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
    @Arg('tenantId', () => ID, { nullable: true }) tenantId?: string | null,
    @Arg('revokeOthers', () => Boolean, {
      defaultValue: false,
      description: "Revoke the tenant's other live tokens at once (Entra fails until it has the new one).",
    })
    revokeOthers = false,
  ): Promise<RotateScimTokenPayload> {
    const tokenName = checkName(name ?? 'Provisioning token');
    const t = tokenTarget(ctx, tenantId);
    const { issued, revoked } = t.operator
      ? await rotateTenantScimToken(t.actor, t.tenantId, tokenName, revokeOthers)
      : await rotateCredential(t.actor, t.tenantId, 'SCIM_TOKEN', tokenName, revokeOthers);
    return {
      scimToken: issued.secret,
      token: toScimToken(issued.credential),
      revoked: revoked.map(toScimToken),
    };
  }

  @Authorized('OPERATOR', 'TENANT_ADMIN')
  @Mutation(() => ScimToken, {
    description:
      'Revokes a SCIM token (idempotent); the SCIM façade stops accepting it at once, in every process. The operator names the tenant (or acts in it).',
  })
  async revokeScimToken(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('tenantId', () => ID, { nullable: true }) tenantId?: string | null,
  ): Promise<ScimToken> {
    const t = tokenTarget(ctx, tenantId);
    const revoked = t.operator
      ? (await revokeTenantScimTokens(t.actor, t.tenantId, id))[0]!
      : await revokeCredential(t.actor, t.tenantId, 'SCIM_TOKEN', id);
    return toScimToken(revoked);
  }

  @Authorized('OPERATOR', 'TENANT_ADMIN')
  @Mutation(() => RevokeScimTokensPayload, {
    description:
      'Revokes every live SCIM token of the tenant at once, in every process: Entra is refused (401) until it is given a new token (rotateScimToken). The operator names the tenant (or acts in it).',
  })
  async revokeScimTokens(
    @Ctx() ctx: GraphQLContext,
    @Arg('tenantId', () => ID, { nullable: true }) tenantId?: string | null,
  ): Promise<RevokeScimTokensPayload> {
    const t = tokenTarget(ctx, tenantId);
    const revoked = t.operator
      ? await revokeTenantScimTokens(t.actor, t.tenantId)
      : await revokeLiveCredentials(t.actor, t.tenantId, 'SCIM_TOKEN');
    return { revoked: revoked.map(toScimToken) };
  }

  @Authorized('TENANT_ADMIN')
  @Query(() => [ApiKey], { description: "Your tenant's API keys, newest first." })
  async apiKeys(
    @Ctx() ctx: GraphQLContext,
    @Arg('includeRevoked', () => Boolean, { defaultValue: false }) includeRevoked: boolean,
  ): Promise<ApiKey[]> {
    const dctx = tenantCtx(ctx);
    const keys = await listCredentials(dctx.em, dctx.tenantId, 'API_KEY');
    return keys.filter((k) => includeRevoked || !k.revokedAt).map(toApiKey);
  }

  @Authorized('TENANT_ADMIN')
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once (idempotent).' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    const dctx = tenantCtx(ctx);
    return toApiKey(await revokeCredential(dctx, dctx.tenantId, 'API_KEY', id));
  }

  @Authorized('OPERATOR', 'TENANT_ADMIN')
  @Mutation(() => CreateApiKeyPayload, {
    description:
      'Creates an API key; its secret is returned only here. The operator names the tenant; a TENANT_ADMIN caller gets one for its own tenant.',
  })
  async createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateApiKeyPayload> {
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) throw badInput('scopes must name at least one scope.', 'scopes');
    const name = checkName(input.name);
    const principal = principalOf(ctx);
    let tenantId: string;
    let actorCtx;
    if (principal.kind === 'operator') {
      // Acting in a tenant (X-CheckProof-Tenant), the operator may leave tenantId out.
      const wanted = input.tenantId ?? ctx.actingTenantId;
      if (!wanted) throw badInput('tenantId is required when the operator creates an API key.', 'tenantId');
      actorCtx = operatorCtx(ctx);
      const tenant = await findTenant(actorCtx, wanted);
      if (!tenant) throw new DomainError('TENANT_NOT_FOUND', `Tenant ${wanted} not found.`);
      tenantId = tenant.id;
    } else {
      actorCtx = tenantCtx(ctx);
      tenantId = actorCtx.tenantId;
      if (input.tenantId && input.tenantId.toLowerCase() !== tenantId) {
        throw new DomainError(
          'FORBIDDEN',
          'A tenant credential can only create API keys for its own tenant.',
        );
      }
    }
    const issued = await issueCredential(actorCtx, tenantId, 'API_KEY', name, scopes);
    return { apiKey: toApiKey(issued.credential), secret: issued.secret };
  }
}

/**
 * Whose SCIM tokens a call is about: the operator names the tenant (or acts in it, and its changes
 * go to the operator's record too); a tenant admin only its own.
 */
function tokenTarget(
  ctx: GraphQLContext,
  tenantId: string | null | undefined,
): { tenantId: string; actor: OperatorContext; operator: boolean } {
  if (principalOf(ctx).kind === 'operator') {
    const wanted = tenantId ?? ctx.actingTenantId;
    if (!wanted) throw badInput('tenantId is required when the operator asks.', 'tenantId');
    return { tenantId: wanted.toLowerCase(), actor: operatorCtx(ctx), operator: true };
  }
  const dctx = tenantCtx(ctx);
  if (tenantId && tenantId.toLowerCase() !== dctx.tenantId) {
    throw new DomainError('FORBIDDEN', 'A tenant credential can only manage its own tenant’s SCIM tokens.');
  }
  return { tenantId: dctx.tenantId, actor: dctx, operator: false };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200) throw badInput('name must be 1-200 characters.', 'name');
  return trimmed;
}
