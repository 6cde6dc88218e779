import type { RouterMiddleware } from '@koa/router';
import { authenticateSecret } from '../../domain/credentials/credential.service';
import { isUuid } from '../../domain/sql';
import { bearerToken } from '../../http/auth/principal';
import type { UsageRecorder } from '../../http/auth/usage';
import { ScimError } from '../protocol/errors';
import type { ScimSettings, ScimState } from './scim-state';
import type { CredentialCache } from './credential-cache';

/**
 * Verifies the tenant's Provisioning Secret Token (Authorization: Bearer …) against the stored
 * hashes of that tenant's live tokens, in constant time. Any failure is the same 401, so neither
 * tenant ids nor tokens can be probed.
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
      credential = (await authenticateSecret(ctx.state.em, 'SCIM_TOKEN', token, tenantId)) ?? undefined;
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
