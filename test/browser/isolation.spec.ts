// What a tenant admin's session must not do: reach another tenant by URL or by GraphQL, be used
// from another origin, or be had again from a used or expired setup link.
import { expect, test, type Page } from '@playwright/test';
import {
  createSetupLink,
  createTenant,
  look,
  openSetupLink,
  serviceUrl,
  sql,
  tenantAdmin,
  uniq,
} from './support';

/** A GraphQL operation sent by the page's own fetch: same origin, the session cookie attached. */
function pageGql(page: Page, query: string, tenantId: string) {
  return page.evaluate(
    async ({ query, tenantId }) => {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-checkproof-tenant': tenantId },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: unknown[] } };
    },
    { query, tenantId },
  );
}

test("tenant A's session cannot reach tenant B by URL or by GraphQL", async ({ browser }) => {
  const { tenant: a, page } = await tenantAdmin(browser, uniq('Northwind'));
  const b = await createTenant(uniq('Woodgrove'));

  await page.goto(serviceUrl(`/console/t/${b.id}/provisioning`));
  await expect(page.getByRole('alert')).toContainText(/not allowed|no access|forbidden/i);
  await expect(page.getByText(b.scimUrl)).toHaveCount(0);
  await expect(page.getByText(b.name)).toHaveCount(0);
  await look(page, 'forbidden');

  const own = await pageGql(page, '{ provisioning { scimUrl } }', a.id);
  expect(own.status).toBe(200);
  expect(own.body.data).toEqual({ provisioning: { scimUrl: a.scimUrl } });

  const other = await pageGql(page, '{ provisioning { scimUrl } }', b.id);
  expect(JSON.stringify(other.body)).not.toContain(b.scimUrl);
  expect(other.body.errors).toEqual([
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
  ]);

  // The operator's pages and operations are not a tenant admin's.
  await page.goto(serviceUrl('/console/tenants'));
  await expect(page.getByRole('heading', { name: 'Provisioning', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Tenants' })).toHaveCount(0);
  const operatorOnly = await pageGql(page, '{ tenants { id name } }', a.id);
  expect(JSON.stringify(operatorOnly.body)).not.toContain(b.name);
  expect(operatorOnly.body.errors).toEqual([
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
  ]);

  await page.context().close();
});

test('a POST from another origin carrying the session cookie is refused', async ({ browser }) => {
  const { tenant, page } = await tenantAdmin(browser, uniq('Tailspin'));
  const body = { query: '{ provisioning { scimUrl } }' };
  const headers = { 'content-type': 'application/json', 'x-checkproof-tenant': tenant.id };

  // page.request shares the context's cookies, so both requests carry the session.
  const sameOrigin = await page.request.post(serviceUrl('/graphql'), {
    headers: { ...headers, origin: serviceUrl() },
    data: body,
  });
  expect(sameOrigin.status()).toBe(200);
  expect(await sameOrigin.json()).toEqual({ data: { provisioning: { scimUrl: tenant.scimUrl } } });

  const crossOrigin = await page.request.post(serviceUrl('/graphql'), {
    headers: { ...headers, origin: 'https://attacker.example' },
    data: body,
  });
  expect(crossOrigin.status()).toBe(403);
  expect(await crossOrigin.text()).not.toContain(tenant.scimUrl);

  await page.context().close();
});

test('a used setup link and an expired one say so and sign no one in', async ({ browser }) => {
  const tenant = await createTenant(uniq('Litware'));

  const link = await createSetupLink(tenant.id);
  const first = await openSetupLink(browser, link);
  await expect(first.getByRole('heading', { name: 'Provisioning' })).toBeVisible();
  await first.context().close();

  const again = await openSetupLink(browser, link);
  await expect(again.getByText('This setup link has already been used')).toBeVisible();
  await expect(again.getByText(tenant.scimUrl)).toHaveCount(0);
  await look(again, 'setup-link-used');
  await again.context().close();

  const unknown = await openSetupLink(browser, serviceUrl('/console/setup/cpd_setup_not-a-link-anyone-made'));
  await expect(unknown.getByText('This setup link is not valid')).toBeVisible();
  await unknown.context().close();

  const expiring = await createSetupLink(tenant.id, 1);
  const expired = await sql(
    `update setup_link set expires_at = now() - interval '1 minute' where tenant_id = $1 and used_at is null`,
    [tenant.id],
  );
  expect(expired).toBe(1);
  const late = await openSetupLink(browser, expiring);
  await expect(late.getByText('This setup link has expired')).toBeVisible();
  await expect(late.getByText(tenant.scimUrl)).toHaveCount(0);
  await look(late, 'setup-link-expired');
  await late.context().close();
});
