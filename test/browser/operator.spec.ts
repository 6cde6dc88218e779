// The operator's side: a wrong admin token is refused, a tenant opens from the list (the operator
// acting in it), and signing out ends the session for the page and for the cookie alike.
import { expect, test } from '@playwright/test';
import { createTenant, look, serviceUrl, signInOperator, uniq } from './support';

test('a wrong admin token is refused; the right one opens the tenant list', async ({ page }) => {
  await page.goto(serviceUrl('/console/sign-in'));
  await page.getByLabel('Admin token').fill('not-the-admin-token-0123456789');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('That admin token is not valid');
  await expect(page).toHaveURL(/\/console\/sign-in$/);
  await look(page, 'sign-in-refused');

  await signInOperator(page);
});

test("the operator opens a tenant from the list and sees that tenant's Provisioning page", async ({
  page,
}) => {
  const tenant = await createTenant(uniq('Adatum'));
  await signInOperator(page);
  await page.getByRole('link', { name: tenant.name }).click();
  await expect(page.getByRole('heading', { name: 'Provisioning', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/console/t/${tenant.id}/settings/provisioning$`));
  await expect(page.getByLabel('Provisioning URL', { exact: true })).toHaveValue(tenant.scimUrl);
  await expect(page.getByRole('link', { name: 'All tenants' })).toBeVisible();
});

test('signing out ends the session: the console goes back to sign-in and the cookie no longer works', async ({
  page,
}) => {
  await signInOperator(page);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'cpd_session');
  expect(cookie?.httpOnly).toBe(true);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/console\/sign-in$/);
  await page.goto(serviceUrl('/console/tenants'));
  await expect(page).toHaveURL(/\/console\/sign-in$/);

  // The old cookie, sent again, is a session that has ended.
  const replay = await page.request.post(serviceUrl('/graphql'), {
    headers: {
      'content-type': 'application/json',
      origin: serviceUrl(),
      cookie: `cpd_session=${cookie!.value}`,
    },
    data: { query: '{ tenants { id } }' },
  });
  const body = await replay.json();
  expect(body.data ?? null).toBeNull();
  expect(JSON.stringify(body.errors)).toMatch(/UNAUTHENTICATED|sign in again/i);
});
