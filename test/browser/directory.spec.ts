// The directory pages a tenant admin reads: users, a user with groups inherited through nesting,
// groups, a group, roles. Each is screenshotted and checked with axe.
import { expect, test } from '@playwright/test';
import { goTo, look, scimGroup, scimUser, tenantAdmin, uniq } from './support';

test('a user page lists a group inherited through nesting, with its path', async ({ browser }) => {
  const { tenant, page } = await tenantAdmin(browser, uniq('Fabrikam'));
  const dana = await scimUser(tenant, 'dana@fabrikam.example', 'Dana Diaz', ['Admin', 'Reviewer']);
  const erin = await scimUser(tenant, 'erin@fabrikam.example', 'Erin Ellis', ['Reviewer']);
  const g1 = await scimGroup(tenant, 'Platform', [dana, erin]);
  await scimGroup(tenant, 'Engineering', [g1]);

  // Keyboard users skip the header and navigation with the first Tab stop.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();

  await goTo(page, 'Users');
  await expect(page.getByRole('link', { name: 'Dana Diaz' })).toBeVisible();
  await look(page, 'users');

  await page.getByRole('link', { name: 'Dana Diaz' }).click();
  await expect(page.getByRole('heading', { name: 'Dana Diaz', level: 1 })).toBeVisible();
  await expect(page.getByText('dana@fabrikam.example').first()).toBeVisible();
  // Direct: Platform. Inherited: Engineering, through Platform.
  await expect(page.getByText(/via\s+Platform\s*[›>→/]\s*Engineering/)).toBeVisible();
  await look(page, 'user');

  await goTo(page, 'Groups');
  await expect(page.getByRole('link', { name: 'Engineering' })).toBeVisible();
  await look(page, 'groups');

  await page.getByRole('link', { name: 'Platform' }).click();
  await expect(page.getByRole('heading', { name: 'Platform', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Erin Ellis' })).toBeVisible();
  await look(page, 'group');

  await goTo(page, 'Roles');
  await expect(page.getByRole('row').filter({ hasText: 'Reviewer' })).toContainText('2');
  await look(page, 'roles');

  await page.context().close();
});

test('on a phone-sized screen the navigation folds behind a button and the pages stay accessible', async ({
  browser,
}) => {
  const { page } = await tenantAdmin(browser, uniq('Proseware'));
  await page.setViewportSize({ width: 390, height: 844 });
  const nav = page.getByRole('navigation').getByRole('link', { name: 'Activity' });
  await expect(nav).not.toBeInViewport();
  await look(page, 'phone-provisioning');

  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await expect(nav).toBeInViewport();
  await look(page, 'phone-navigation');
  await nav.click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await look(page, 'phone-activity');

  await page.context().close();
});
