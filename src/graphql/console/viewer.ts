import type { Principal } from '../../http/auth/principal';
import { PrincipalKind, Viewer } from '../admin/admin.type';
import type { ApiScope } from '../common/enums';

/** What `viewer` (and the sign-in mutations) report about a principal. */
export function toViewer(p: Principal): Viewer {
  switch (p.kind) {
    case 'operator':
      return { kind: PrincipalKind.OPERATOR, tenantId: null, scopes: [], subject: null };
    case 'tenantAdmin':
      return {
        kind: PrincipalKind.TENANT_ADMIN,
        tenantId: p.tenantId,
        scopes: p.scopes.map((s) => s as ApiScope),
        subject: null,
      };
    case 'apiKey':
    case 'jwt':
      return {
        kind: p.kind === 'apiKey' ? PrincipalKind.API_KEY : PrincipalKind.JWT,
        tenantId: p.tenantId,
        scopes: p.scopes.map((s) => s as ApiScope),
        subject: p.kind === 'apiKey' ? p.credentialId : p.subject,
      };
  }
}
