// The operator's tenant lifecycle on the Tenants page: suspending a tenant refuses Entra (a SCIM
// 403 with a SCIM error body) until it is resumed, and deleting needs the slug typed back.
import { expect, test, type Page } from '@playwright/test';
import { createTenant, look, operatorGql, scim, signInOperator, uniq, type Tenant } from './support';

async function openActions(page: Page, tenant: Tenant, item: string): Promise<void> {
  await page.getByLabel('Search tenants').fill(tenant.name);
  // The search is debounced and the list reloads once it applies: act on the settled list.
  await expect(page.getByText('1–1 of 1 tenants')).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(tenant.name) });
  await row.getByRole('button', { name: `Manage ${tenant.name}` }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

test('suspending a tenant refuses Entra with a SCIM 403 until the operator resumes it', async ({ page }) => {
  const tenant = await createTenant(uniq('Suspendable'));
  expect((await scim(tenant, tenant.scimToken, 'GET', '/Users?count=1')).status).toBe(200);
  await signInOperator(page);

  await openActions(page, tenant, 'Suspend…');
  const dialog = page.getByRole('dialog', { name: `Suspend ${tenant.name}` });
  await expect(dialog.getByRole('button', { name: 'Suspend tenant' })).toBeDisabled();
  await dialog.getByLabel('Reason').fill('Unpaid invoice');
  await look(page, 'tenant-suspend');
  await dialog.getByRole('button', { name: 'Suspend tenant' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row', { name: new RegExp(tenant.name) });
  await expect(row.getByText('Suspended')).toBeVisible();
  await look(page, 'tenants-suspended');

  const refused = await scim(tenant, tenant.scimToken, 'GET', '/Users?count=1');
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '403',
  });
  expect(refused.body.detail).toMatch(/suspended/);

  await openActions(page, tenant, 'Resume…');
  await page.getByRole('dialog').getByRole('button', { name: 'Resume tenant' }).click();
  await expect(row.getByText('Suspended')).toBeHidden();
  expect((await scim(tenant, tenant.scimToken, 'GET', '/Users?count=1')).status).toBe(200);
});

test('deleting a tenant needs its slug typed back, then removes it and reports what went', async ({
  page,
}) => {
  const tenant = await createTenant(uniq('Doomed'));
  const slug = tenant.name.toLowerCase();
  await scim(tenant, tenant.scimToken, 'POST', '/Users', { userName: 'leaver@example.com' });
  await signInOperator(page);

  await openActions(page, tenant, 'Delete…');
  const dialog = page.getByRole('dialog', { name: `Delete ${tenant.name}` });
  const confirm = dialog.getByLabel(`Type the slug ${slug} to confirm`);
  const button = dialog.getByRole('button', { name: 'Delete tenant' });
  await confirm.fill(slug.toUpperCase());
  await expect(button).toBeDisabled();
  await confirm.fill(slug);
  await expect(button).toBeEnabled();
  await look(page, 'tenant-delete');
  await button.click();
  await expect(dialog.getByRole('status')).toContainText(`Deleted ${tenant.name}: 1 users`);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: new RegExp(tenant.name) })).toHaveCount(0);

  expect((await scim(tenant, tenant.scimToken, 'GET', '/Users?count=1')).status).toBe(401);
  const audit = await operatorGql(`query($id: ID!) { operatorAuditEvents(tenantId: $id) { action } }`, {
    id: tenant.id,
  });
  expect(audit.data!.operatorAuditEvents[0]).toEqual({ action: 'tenant.deleted' });
});
