// Helpers for the browser suite: the service's address, an operator GraphQL client, a SCIM client
// that sends what Entra sends (node:http, so no Accept header unless asked), and `look`, which
// screenshots the page and fails on serious or critical axe violations.
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { Client } from 'pg';
import { ADMIN_TOKEN, fromEnv } from './env';

export { ADMIN_TOKEN };

export const SCREENSHOTS = path.resolve(__dirname, 'screenshots');

export function serviceUrl(path = ''): string {
  return `${fromEnv('url')}${path}`;
}

/**
 * Axe rules not applied inside one part of a page, with the reason: for third-party markup the
 * project cannot change (GraphiQL's). Every other rule inside that part is still checked.
 */
export interface AxeAllowance {
  rules: string[];
  selector: string;
  why: string;
}

/** Screenshots the page as `name` and checks it with axe: no serious or critical violation. */
export async function look(page: Page, name: string, allow: readonly AxeAllowance[] = []): Promise<void> {
  // Modals and drawers fade in: judge (and picture) the page once its transitions have ended.
  // Endless animations (a spinner) never end and are not waited for.
  await page.waitForFunction(() => {
    type Animation = { playState: string; effect: { getTiming(): { iterations: number } } | null };
    const doc = (globalThis as unknown as { document: { getAnimations(): Animation[] } }).document;
    return doc
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity);
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  let whole = new AxeBuilder({ page });
  for (const a of allow) whole = whole.exclude(a.selector);
  const { violations } = await whole.analyze();
  // The excluded parts again, with only their allowed rules off.
  for (const a of allow) {
    const part = await new AxeBuilder({ page }).include(a.selector).disableRules(a.rules).analyze();
    violations.push(...part.violations);
  }
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      page: name,
      rule: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  expect(bad, `axe on ${name} (${page.url()})`).toEqual([]);
}

/** The operator signs in with the admin token and lands on the tenant list. */
export async function signInOperator(page: Page): Promise<void> {
  await page.goto(serviceUrl('/console/sign-in'));
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/console\/tenants$/);
  await expect(page.getByRole('heading', { name: 'Tenants' })).toBeVisible();
}

/** Opens a setup link in a browser context of its own (the tenant admin's browser). */
export async function openSetupLink(browser: Browser, link: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  return page;
}

export interface GqlResult {
  status: number;
  data?: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** A GraphQL operation as the operator (bearer admin token). */
export async function operatorGql(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult> {
  const res = await fetch(serviceUrl('/graphql'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<GqlResult, 'status'>) };
}

export interface Tenant {
  id: string;
  name: string;
  scimUrl: string;
  scimToken: string;
}

export function uniq(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A tenant made through the operator API (for tests whose subject is not tenant creation). */
export async function createTenant(name = uniq('Tenant')): Promise<Tenant> {
  const res = await operatorGql(
    `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id name } scimUrl scimToken } }`,
    { input: { name, slug: name.toLowerCase().replace(/[^a-z0-9-]+/g, '-') } },
  );
  expect(res.errors).toBeUndefined();
  const out = res.data!.createTenant;
  return { id: out.tenant.id, name: out.tenant.name, scimUrl: out.scimUrl, scimToken: out.scimToken };
}

/** A setup link for the tenant's admin, as the operator's "Create setup link" makes. */
export async function createSetupLink(tenantId: string, expiresInHours?: number): Promise<string> {
  const res = await operatorGql(
    `mutation($tenantId: ID!, $expiresInHours: Int) {
       createSetupLink(tenantId: $tenantId, expiresInHours: $expiresInHours) { url }
     }`,
    { tenantId, expiresInHours },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createSetupLink.url as string;
}

/** Runs one statement on the service's own database. */
export async function sql(text: string, params: unknown[] = []): Promise<number> {
  const client = new Client({ connectionString: fromEnv('databaseUrl') });
  await client.connect();
  try {
    return (await client.query(text, params)).rowCount ?? 0;
  } finally {
    await client.end();
  }
}

export interface ScimResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON of any shape
}

/**
 * A SCIM request as Entra makes it: Authorization, and Content-Type only with a body; no Accept
 * (node:http adds only Host and Connection).
 */
export function scim(
  tenant: { scimUrl: string },
  token: string,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<ScimResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${tenant.scimUrl}${pathAndQuery}`,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Entra's Test Connection: a user name no one has, filtered with + and %22 as Entra encodes it. */
export function testConnection(tenant: { scimUrl: string }, token: string): Promise<ScimResponse> {
  return scim(tenant, token, 'GET', `/Users?filter=userName+eq+%22${randomUUID()}%22`);
}

/** A user body as Entra's default mappings send it. */
export function entraUser(
  userName: string,
  displayName: string,
  roles: string[] = [],
): Record<string, unknown> {
  const [givenName = displayName, familyName = ''] = displayName.split(' ');
  return {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId: userName.split('@')[0],
    userName,
    active: true,
    displayName,
    name: { formatted: displayName, familyName, givenName },
    emails: [{ primary: true, type: 'work', value: userName }],
    roles: roles.map((value, i) => ({ primary: i === 0, type: 'WindowsAzureActiveDirectoryRole', value })),
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engineering' },
    meta: { resourceType: 'User' },
  };
}

/** A group body as Entra sends it: created empty, members added by PATCH afterwards. */
export function entraGroup(displayName: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    externalId: displayName.toLowerCase(),
    displayName,
    members: [],
  };
}

/** Entra's default-dialect membership add. */
export function addMembers(ids: string[]): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ $ref: null, value })) }],
  };
}

/** Creates a user over SCIM and returns its id. */
export async function scimUser(
  tenant: Tenant,
  userName: string,
  displayName: string,
  roles: string[] = [],
): Promise<string> {
  const res = await scim(tenant, tenant.scimToken, 'POST', '/Users', entraUser(userName, displayName, roles));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** Creates a group over SCIM, adds the members by PATCH, and returns its id. */
export async function scimGroup(
  tenant: Tenant,
  displayName: string,
  memberIds: string[] = [],
): Promise<string> {
  const res = await scim(tenant, tenant.scimToken, 'POST', '/Groups', entraGroup(displayName));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.id as string;
  if (memberIds.length > 0) {
    const patch = await scim(tenant, tenant.scimToken, 'PATCH', `/Groups/${id}`, addMembers(memberIds));
    expect(patch.status, JSON.stringify(patch.body)).toBe(204);
  }
  return id;
}

/**
 * The value shown for `label` inside `scope`: a form control's value (read-only inputs) or the
 * text of the element the label names (description lists, output elements).
 */
export async function readValue(scope: Locator, label: string): Promise<string> {
  const field = scope.getByLabel(label, { exact: true }).first();
  await expect(field).toBeVisible();
  const tag = await field.evaluate((el) => el.tagName.toLowerCase());
  const value = tag === 'input' || tag === 'textarea' ? await field.inputValue() : await field.innerText();
  return value.trim();
}

/** Closes the open dialog with its Close (or Done) button. */
export async function closeDialog(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /^(Close|Done)$/ }).click();
  await expect(dialog).toHaveCount(0);
}

/** A tenant made through the API and its admin's browser page, signed in through a setup link. */
export async function tenantAdmin(
  browser: Browser,
  name = uniq('Tenant'),
): Promise<{ tenant: Tenant; page: Page }> {
  const tenant = await createTenant(name);
  const page = await openSetupLink(browser, await createSetupLink(tenant.id));
  await expect(page.getByRole('heading', { name: 'Provisioning' })).toBeVisible();
  return { tenant, page };
}

/** Follows a link of the console's navigation and waits for the page's heading. */
export async function goTo(page: Page, link: string, heading = link): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: link }).click();
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
}
