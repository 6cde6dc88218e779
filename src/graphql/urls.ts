/** A tenant's SCIM Provisioning URL: the base Entra appends /Users, /Groups… to. */
export function scimUrl(publicUrl: string, tenantId: string): string {
  return `${publicUrl}/scim/v2/${tenantId}`;
}
