import { useParams } from 'react-router';

/** The tenant of the current page (sent as X-CheckProof-Tenant with its requests). */
export function useTenantId(): string {
  return useParams().tenantId ?? '';
}
