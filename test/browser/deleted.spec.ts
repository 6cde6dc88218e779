// Recently deleted: a user and a group Entra deleted come back from the page (a userName taken
// meanwhile is a clear conflict), and a mass deprovisioning is undone in one go after the alert's
// thresholds are set. Every page and dialog is checked with axe.
import { expect, test } from '@playwright/test';
import { goTo, look, scim, scimGroup, scimUser, tenantAdmin, uniq } from './support';

const deactivate = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'Replace', path: 'active', value: false }],
};

test('a user and a group deleted over SCIM are restored from Recently deleted; a taken userName says so', async ({
  browser,
}) => {
  const { tenant, page } = await tenantAdmin(browser, uniq('Tailspin'));
  const frank = await scimUser(tenant, 'frank@tailspin.example', 'Frank Foster', ['Approver']);
  await scimGroup(tenant, 'Finance', [frank]);
  const audit = await scimGroup(tenant, 'Audit');
  expect((await scim(tenant, tenant.scimToken, 'DELETE', `/Users/${frank}`)).status).toBe(204);
  expect((await scim(tenant, tenant.scimToken, 'DELETE', `/Groups/${audit}`)).status).toBe(204);

  await goTo(page, 'Users');
  await expect(page.getByText(/No users yet/)).toBeVisible();

  await goTo(page, 'Recently deleted');
  const row = page.getByRole('row').filter({ hasText: 'frank@tailspin.example' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('1 role, 1 group');
  await expect(row).toContainText('Entra (SCIM token)');
  await look(page, 'deleted');

  // Entra creates the userName again meanwhile: restoring the old one is refused, naming the holder.
  const again = await scimUser(tenant, 'frank@tailspin.example', 'Frank Again');
  await row.getByRole('button', { name: 'Restore frank@tailspin.example' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore user?' });
  await expect(dialog).toContainText('same id');
  await look(page, 'deleted-restore');
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  const conflict = dialog.getByRole('alert');
  await expect(conflict).toContainText('The userName is taken');
  await expect(conflict).toContainText(again);
  await expect(conflict.getByRole('link', { name: 'Open the user holding it' })).toHaveAttribute(
    'href',
    new RegExp(`/users/${again}$`),
  );
  await look(page, 'deleted-conflict');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  // Entra deletes the newcomer; now the original comes back, with its role and group.
  expect((await scim(tenant, tenant.scimToken, 'DELETE', `/Users/${again}`)).status).toBe(204);
  await page.reload();
  const original = page.getByRole('row').filter({ hasText: '1 role, 1 group' });
  await expect(page.getByRole('row').filter({ hasText: 'frank@tailspin.example' })).toHaveCount(2);
  await original.getByRole('button', { name: 'Restore frank@tailspin.example' }).click();
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Restored user' })).toContainText(
    'frank@tailspin.example',
  );
  await expect(page.getByRole('row').filter({ hasText: 'frank@tailspin.example' })).toHaveCount(1);
  await expect(page.getByRole('row').filter({ hasText: '1 role, 1 group' })).toHaveCount(0);

  await goTo(page, 'Users');
  await page.getByRole('link', { name: 'Frank Foster' }).click();
  await expect(page.getByRole('heading', { name: 'Frank Foster', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Finance' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: /^Approver/ })).toBeVisible();

  // The group too, from its tab.
  await goTo(page, 'Recently deleted');
  await page.getByRole('tab', { name: 'Groups' }).click();
  const auditRow = page.getByRole('row').filter({ hasText: 'Audit' });
  await expect(auditRow).toHaveCount(1);
  await look(page, 'deleted-groups');
  await auditRow.getByRole('button', { name: 'Restore Audit' }).click();
  const groupDialog = page.getByRole('dialog', { name: 'Restore group?' });
  await groupDialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(groupDialog).toHaveCount(0);
  await expect(page.getByText(/No groups were deleted recently/)).toBeVisible();
  await goTo(page, 'Groups');
  await expect(page.getByRole('link', { name: 'Audit' })).toBeVisible();

  await page.context().close();
});

test('the mass-deprovisioning alert fires at the thresholds set in the page; one confirmation undoes it', async ({
  browser,
}) => {
  const { tenant, page } = await tenantAdmin(browser, uniq('Adatum'));
  const ids = [
    await scimUser(tenant, 'gina@adatum.example', 'Gina Gray'),
    await scimUser(tenant, 'hugo@adatum.example', 'Hugo Hart'),
    await scimUser(tenant, 'iris@adatum.example', 'Iris Ito'),
  ];

  await goTo(page, 'Recently deleted');
  await expect(page.getByText('No users were deleted recently.')).toBeVisible();
  await expect(page.getByText('The alert has not fired.')).toBeVisible();
  await page.getByLabel('Percent of active users').fill('50');
  await page.getByLabel('And at least this many users').fill('2');
  await page.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toContainText(
    'more than 50 % of active users, and at least 2',
  );
  await look(page, 'deleted-empty');

  // Two of three people gone within the hour: over both thresholds.
  const disable = await scim(tenant, tenant.scimToken, 'PATCH', `/Users/${ids[0]}`, deactivate);
  expect([200, 204]).toContain(disable.status);
  expect((await scim(tenant, tenant.scimToken, 'DELETE', `/Users/${ids[1]}`)).status).toBe(204);
  // The check runs after the request (Entra is never slowed); the page shows it on the next load.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/^Last alert:/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  // The since field starts an hour ago: both changes are after it.
  await expect(page.getByLabel('Deprovisioned since')).not.toHaveValue('');
  await page.getByRole('button', { name: 'Restore everyone deprovisioned since…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Restore everyone deprovisioned since then?' });
  await expect(confirm).toContainText('Fix the cause in Entra first');
  await look(page, 'deleted-undo');
  await confirm.getByRole('button', { name: 'Restore and enable' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'restored' })).toContainText(
    '1 deleted user restored, 1 disabled user enabled again',
  );
  await expect(page.getByText('No users were deleted recently.')).toBeVisible();
  await look(page, 'deleted-undone');

  await goTo(page, 'Users');
  await expect(page.getByText(/^1–3 of 3 users$/)).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Disabled' })).toHaveCount(0);

  await page.context().close();
});
