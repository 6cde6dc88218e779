import type { RouterMiddleware } from '@koa/router';
import { authenticateSecret } from '../../domain/credentials/credential.service';
import { isUuid } from '../../domain/sql';
import { bearerToken } from '../../http/auth/principal';
import type { UsageRecorder } from '../../http/auth/usage';
import { ScimError } from '../protocol/errors';
import type { ScimSettings, ScimState } from './scim-state';
import type { CredentialCache } from './credential-cache';

/**
 * The 403's detail, shown verbatim in the customer's Entra provisioning logs. Entra quarantines a
 * job whose requests keep failing authorisation (docs/entra.md), and a 401 reads as "replace the
 * token": so this says the token is fine, who to contact, and how to catch up once resumed.
 */
export const TENANT_SUSPENDED_DETAIL =
  'Provisioning to CheckProof is suspended for this company by the CheckProof operator, so this request was not applied. Your Secret Token is still valid: do not replace it. Contact CheckProof support to resume provisioning; then select Restart provisioning in Entra so that the changes refused meanwhile are sent again.';

/**
 * Verifies the tenant's Provisioning Secret Token (Authorization: Bearer …) against the stored
 * hashes of that tenant's live tokens, in constant time. Any failure is the same 401, so neither
 * tenant ids nor tokens can be probed; a valid token of a suspended tenant is a 403.
 */
export function scimAuth(
  settings: ScimSettings,
  recordUsage: UsageRecorder,
  cache: CredentialCache,
): RouterMiddleware<ScimState> {
  return async (ctx, next) => {
    const tenantId = (ctx.params.tenantId ?? '').toLowerCase();
    const token = bearerToken(ctx.get('authorization') || undefined);
    let credential = token && isUuid(tenantId) ? cache.get(tenantId, token) : undefined;
    if (token && isUuid(tenantId) && !credential) {
      const found = await authenticateSecret(ctx.state.em, 'SCIM_TOKEN', token, tenantId);
      // Only the token's owner learns that its tenant is suspended (after the same verification);
      // a suspended tenant's tokens are never remembered, so resuming needs no eviction.
      if (found?.tenantSuspended) throw new ScimError(403, undefined, TENANT_SUSPENDED_DETAIL);
      credential = found ?? undefined;
      if (credential) cache.set(tenantId, token, credential);
    }
    if (!credential) {
      throw new ScimError(
        401,
        undefined,
        token
          ? 'The Secret Token is not valid for this Tenant URL. Check both in the provisioning settings, or issue a new token.'
          : 'Authentication required: send the Secret Token as "Authorization: Bearer <token>".',
      );
    }
    recordUsage(credential.id);
    ctx.state.scim = {
      dctx: {
        tenantId: credential.tenantId,
        actor: { kind: 'scim', id: credential.id, name: credential.name },
        em: ctx.state.em,
        requestId: ctx.state.requestId,
        log: ctx.state.log,
        warnings: [],
        ...(ctx.state.noteChange ? { noteChange: ctx.state.noteChange } : {}),
      },
      baseUrl: `${settings.publicUrl}/scim/v2/${credential.tenantId}`,
      credentialId: credential.id,
    };
    await next();
  };
}
