// Issue 10's main path: the operator creates a tenant and a setup link; the tenant's admin opens
// it, watches Entra's Test Connection and first cycle arrive without reloading, and rotates the token.
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import {
  addMembers,
  closeDialog,
  entraGroup,
  entraUser,
  look,
  openSetupLink,
  readValue,
  scim,
  serviceUrl,
  signInOperator,
  testConnection,
  uniq,
} from './support';

test.describe.configure({ mode: 'serial' });

// Made by the first test, used by the next ones (serial: a failure skips the rest).
let tenant: { name: string; scimUrl: string; scimToken: string };
let admin: Page;

test.afterAll(async () => {
  await admin?.context().close();
});

test('the operator creates a tenant and a setup link that opens its Provisioning page', async ({
  page,
  browser,
}) => {
  await page.goto(serviceUrl('/console/sign-in'));
  await look(page, 'sign-in');
  await signInOperator(page);
  await look(page, 'tenants');

  const name = uniq('Contoso');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  const create = page.getByRole('dialog');
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create tenant' }).click();
  const scimUrl = await readValue(create, 'Provisioning URL');
  const scimToken = await readValue(create, 'Secret token');
  expect(scimUrl).toMatch(new RegExp(`^${serviceUrl('/scim/v2/')}[0-9a-f-]{36}$`));
  expect(scimToken.length).toBeGreaterThanOrEqual(32);
  await look(page, 'tenant-created');
  tenant = { name, scimUrl, scimToken };
  await closeDialog(page);

  // The list is paged in slug order; the search finds the new tenant whatever page it is on.
  await page.getByLabel('Search tenants').fill(name);
  const row = page.getByRole('row').filter({ hasText: name });
  await row.getByRole('button', { name: 'Create setup link' }).click();
  const link = await readValue(page.getByRole('dialog'), 'Setup link');
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\//);
  await look(page, 'setup-link');

  admin = await openSetupLink(browser, link);
  await expect(admin.getByRole('heading', { name: 'Provisioning' })).toBeVisible();
  expect(await readValue(admin.locator('body'), 'Provisioning URL')).toBe(scimUrl);
  await expect(admin.getByText(scimToken)).toHaveCount(0);
});

test("Entra's Test Connection and first cycle show on the page live, in Activity and in health", async () => {
  // The connection-status card (polled every few seconds; the page is never reloaded here).
  const status = admin.getByRole('status').filter({ hasText: /Entra|Test Connection|Provisioning:/ });
  await expect(status).toContainText(/Waiting for Entra.s Test Connection/);
  await look(admin, 'provisioning-waiting');

  expect((await testConnection(tenant, tenant.scimToken)).status).toBe(200);
  await expect(status).toContainText(/Test Connection received at/, { timeout: 15_000 });
  await look(admin, 'provisioning-test-connection');

  const ids: string[] = [];
  for (const [userName, displayName] of [
    ['alice@contoso.example', 'Alice Adams'],
    ['bob@contoso.example', 'Bob Brown'],
    ['carol@contoso.example', 'Carol Chen'],
  ] as const) {
    const res = await scim(
      tenant,
      tenant.scimToken,
      'POST',
      '/Users',
      entraUser(userName, displayName, ['Reader']),
    );
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const group = await scim(tenant, tenant.scimToken, 'POST', '/Groups', entraGroup('Engineering'));
  expect(group.status).toBe(201);
  // Entra also names members outside the app's scope: skipped, with a warning in the log.
  const outOfScope = randomUUID();
  const patch = await scim(
    tenant,
    tenant.scimToken,
    'PATCH',
    `/Groups/${group.body.id}`,
    addMembers([...ids, outOfScope]),
  );
  expect(patch.status).toBe(204);
  const duplicate = await scim(
    tenant,
    tenant.scimToken,
    'POST',
    '/Users',
    entraUser('alice@contoso.example', 'Alice Again'),
  );
  expect(duplicate.status).toBe(409);

  await expect(status).toContainText(/Provisioning: 3 users and 1 groups? so far/, { timeout: 15_000 });
  // Health counts the failed request (the card polls, as the status does).
  await expect(admin.getByText(/Last 24 h: 7 requests, 1 failed/)).toBeVisible({ timeout: 15_000 });
  await look(admin, 'provisioning');

  await admin.getByRole('link', { name: 'Activity' }).click();
  await expect(admin.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(admin.getByText(/7 requests, 1 failed/).first()).toBeVisible();
  // Method and status are cells of their own; a row's text runs its cells together.
  const rows = (...cells: string[]) =>
    cells.reduce(
      (found, cell) => found.filter({ has: admin.getByRole('cell', { name: cell, exact: true }) }),
      admin.getByRole('row'),
    );
  await expect(rows('POST', '409')).toHaveCount(1);
  await expect(rows('PATCH', '204')).toHaveCount(1);
  await expect(rows('POST', '201')).toHaveCount(4);
  await expect(rows('GET', '200')).toHaveCount(1);
  await expect(rows('PATCH', '204')).toContainText('warning');
  await look(admin, 'activity');

  // A request's details: the failure's reason, the skipped member's warning.
  await rows('POST', '409')
    .getByRole('button', { name: /^Show details of POST/ })
    .click();
  const details = admin.getByRole('dialog', { name: 'Request details' });
  await expect(details).toContainText(/already exists/i);
  await look(admin, 'activity-details');
  await admin.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await rows('PATCH', '204')
    .getByRole('button', { name: /^Show details of PATCH/ })
    .click();
  await expect(details).toContainText(outOfScope);
  await look(admin, 'activity-warning');
  await admin.keyboard.press('Escape');
  await expect(details).toHaveCount(0);

  // Outcome: Failed leaves the 409 alone.
  await admin.getByRole('combobox', { name: 'Outcome' }).click();
  await admin.getByRole('option', { name: 'Failed' }).click();
  const bodyRows = admin.getByRole('row').filter({ has: admin.getByRole('cell') });
  await expect(bodyRows).toHaveCount(1);
  await expect(rows('POST', '409')).toHaveCount(1);
});

test("the operator's tenant list counts the tenant's users and groups and its last Entra request", async ({
  page,
}) => {
  await signInOperator(page);
  await page.getByLabel('Search tenants').fill(tenant.name);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: tenant.name }) });
  await expect(row).toBeVisible();
  // The search leaves only the tenant: one header row and one data row.
  await expect(page.getByRole('row')).toHaveCount(2);
  await expect(page.getByText(/^1–1 of 1 tenants$/)).toBeVisible();
  const headers = (await page.getByRole('columnheader').allInnerTexts()).map((h) => h.trim());
  expect(headers).toEqual(expect.arrayContaining(['Users', 'Groups', 'Last Entra request']));
  const cell = (header: string) => row.getByRole('cell').nth(headers.indexOf(header));
  await expect(cell('Users')).toHaveText('3');
  await expect(cell('Groups')).toHaveText('1');
  await expect(cell('Last Entra request')).not.toHaveText('never');
});

test('the admin rotates the token in the page; the old one is refused once revoked', async () => {
  await admin.getByRole('link', { name: 'Provisioning' }).click();
  await expect(admin.getByRole('heading', { name: 'Provisioning' })).toBeVisible();
  const revokeButtons = admin.getByRole('button', { name: 'Revoke' });
  await expect(revokeButtons).toHaveCount(1);

  await admin.getByRole('button', { name: 'Generate token' }).click();
  const generate = admin.getByRole('dialog');
  await generate.getByLabel('Token name').fill('Entra 2026');
  await generate.getByRole('button', { name: 'Generate token' }).click();
  const fresh = await readValue(generate, 'New secret token');
  expect(fresh).not.toBe(tenant.scimToken);
  await look(admin, 'provisioning-new-token');
  await closeDialog(admin);
  expect((await testConnection(tenant, fresh)).status).toBe(200);
  expect((await testConnection(tenant, tenant.scimToken)).status).toBe(200);

  // Two live tokens; the old one is the row that is not "Entra 2026".
  await expect(revokeButtons).toHaveCount(2);
  const oldRow = admin.getByRole('row').filter({ has: revokeButtons }).filter({ hasNotText: 'Entra 2026' });
  await oldRow.getByRole('button', { name: 'Revoke' }).click();
  await expect(admin.getByRole('dialog')).toContainText('refused at once');
  await look(admin, 'provisioning-revoke');
  await admin.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(admin.getByRole('dialog')).toHaveCount(0);
  await expect(revokeButtons).toHaveCount(1);
  await expect(admin.getByRole('row').filter({ hasText: 'Entra 2026' })).toHaveCount(1);

  expect((await testConnection(tenant, tenant.scimToken)).status).toBe(401);
  expect((await testConnection(tenant, fresh)).status).toBe(200);
});
