// The GraphQL IDE (GraphiQL 5 in the console, /console/graphql): it loads from this origin under
// the console's CSP, runs queries and subscriptions with the console session (no token pasted),
// completes field names from the schema, passes axe, and GET /graphql from a browser leads to it.
import { expect, test, type Page } from '@playwright/test';
import {
  ADMIN_TOKEN,
  createTenant,
  look,
  operatorGql,
  scimUser,
  serviceUrl,
  signInOperator,
  tenantAdmin,
  uniq,
  type AxeAllowance,
} from './support';

/** Every console error of the page (a CSP refusal is one), to assert there are none. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** Replaces the operation in GraphiQL's query editor (Monaco) with `text`. */
async function setQuery(page: Page, text: string): Promise<void> {
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types it as one input, so Monaco's bracket auto-closing adds nothing.
  await page.keyboard.insertText(text);
  // GraphiQL takes the operation's name from the editor a moment later; running before that would
  // send the previous operation's name. The active tab shows the name once it has it.
  const name = /^(?:query|mutation|subscription)\s+(\w+)/.exec(text)?.[1];
  if (name) await expect(page.locator('.graphiql-tab-active')).toContainText(name);
}

/** Replaces the header editor's JSON with `headers`. */
async function setHeaders(page: Page, headers: Record<string, string>): Promise<void> {
  await page.getByRole('button', { name: 'Headers', exact: true }).click();
  const editor = page.locator('.graphiql-editor-tool .monaco-editor[data-uri*="headers"]');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(JSON.stringify(headers));
}

const response = (page: Page) => page.locator('.graphiql-response');

/**
 * GraphiQL 5 puts each tab's close button inside its role="tab" element (axe: nested-interactive).
 * That markup is GraphiQL's own; the tabs still work by keyboard and screen reader (the close
 * button has its own label). Only this rule, only in the tab strip, is not applied.
 */
const GRAPHIQL_TABS: AxeAllowance = {
  rules: ['nested-interactive'],
  selector: '.graphiql-session-header',
  why: "GraphiQL's tab markup: a close button inside each tab",
};

/**
 * The explorer panel (graphiql-explorer 0.9, under @graphiql/plugin-explorer) renders the operation
 * name and argument values as bare <input> and <select> without a label. Its colours are the
 * console's (web/src/pages/GraphiQL.tsx), so contrast is still checked there.
 */
const GRAPHIQL_EXPLORER: AxeAllowance = {
  rules: ['label', 'select-name'],
  selector: '.graphiql-explorer-root',
  why: "graphiql-explorer's unlabelled inputs for names and argument values",
};

test('the IDE runs queries and subscriptions with the console session and completes field names', async ({
  browser,
}) => {
  const { tenant, page } = await tenantAdmin(browser, uniq('Ide'));
  const errors = consoleErrors(page);
  const userName = `${uniq('ada')}@ide.example`;
  await scimUser(tenant, userName, 'Ada Lovelace');

  // (1) From the console's navigation to the IDE, which loads its editors.
  await page.getByRole('navigation').getByRole('link', { name: 'GraphQL IDE' }).click();
  await expect(page).toHaveURL(/\/console\/graphql$/);
  await expect(page.getByRole('heading', { name: 'GraphQL IDE', level: 1 })).toBeVisible();
  await expect(
    page.getByText('Requests run as your tenant’s administrator with your console session'),
  ).toBeVisible();
  await expect(page.locator('.graphiql-query-editor .monaco-editor')).toBeVisible();
  // The examples are its first tabs.
  await expect(page.getByRole('tab', { name: /WhoIsThisUser/ })).toBeVisible();
  await expect(page.getByRole('tab', { name: /WhatDidEntraDo/ })).toBeVisible();

  // (2) A query runs with the session: no Authorization header anywhere.
  await setQuery(
    page,
    `query Mine { viewer { kind tenantId } users(first: 5) { totalCount edges { node { userName } } } }`,
  );
  await page.getByRole('button', { name: /Execute query/ }).click();
  await expect(response(page)).toContainText(userName);
  await expect(response(page)).toContainText('TENANT_ADMIN');
  await expect(response(page)).toContainText(tenant.id);

  // (3) Completion: the schema's fields are offered while typing.
  await setQuery(page, '{ userBy');
  await page.keyboard.press('Control+Space');
  const suggestions = page.locator('.suggest-widget');
  await expect(suggestions).toBeVisible();
  await expect(suggestions.getByText('userByUserName')).toBeVisible();
  await page.keyboard.press('Escape');

  // A subscription goes over graphql-ws with the same session (the upgrade's cookie and Origin).
  await setQuery(page, `subscription Feed { directoryChanges { type data } }`);
  await page.getByRole('button', { name: /Execute query/ }).click();
  // The socket is open once the server has it; a change made then is delivered.
  await expect(page.getByRole('button', { name: /Stop|Execute query/ })).toBeVisible();
  await page.waitForTimeout(1000);
  const second = `${uniq('grace')}@ide.example`;
  await scimUser(tenant, second, 'Grace Hopper');
  await expect(response(page)).toContainText(second, { timeout: 15_000 });

  // (4) Accessible, as every console page.
  await page.keyboard.press('Escape');
  await look(page, 'graphiql', [GRAPHIQL_TABS]);
  expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
});

test('without a session the header editor authenticates, and "remember" keeps an API key but never the operator token', async ({
  page,
}) => {
  const tenant = await createTenant(uniq('IdeKey'));
  const created = await operatorGql(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { tenantId: tenant.id, name: 'ide', scopes: ['DIRECTORY_READ'] } },
  );
  const apiKey = created.data!.createApiKey.secret as string;

  await page.goto(serviceUrl('/console/graphql'));
  await expect(page.getByText('Not signed in')).toBeVisible();
  await expect(page.getByRole('link', { name: 'sign in' })).toBeVisible();
  await expect(page.locator('.graphiql-query-editor .monaco-editor')).toBeVisible();

  // Without a session and without a header the service does not know the caller.
  await setQuery(page, 'query Anonymous { viewer { kind tenantId } }');
  await page.getByRole('button', { name: /Execute query/ }).click();
  await expect(response(page)).toContainText('UNAUTHENTICATED');

  await setHeaders(page, { Authorization: `Bearer ${apiKey}` });
  await page.getByRole('button', { name: /Execute query/ }).click();
  await expect(response(page)).toContainText('API_KEY');
  await expect(response(page)).toContainText(tenant.id);

  // Nothing is in this browser's storage until "Remember on this device" is ticked.
  // Every key and value of the page's localStorage (this file is compiled without the DOM types).
  const stored = () =>
    page.evaluate(() => {
      type Store = { length: number; key(i: number): string | null; getItem(k: string): string | null };
      const ls = (globalThis as unknown as { localStorage: Store }).localStorage;
      const lines: string[] = [];
      for (let i = 0; i < ls.length; i++) lines.push(`${ls.key(i)}=${ls.getItem(ls.key(i) ?? '')}`);
      return lines.join('\n');
    });
  expect(await stored()).not.toContain(apiKey);
  expect(await stored()).not.toContain('viewer');
  expect(await stored()).not.toMatch(/^graphiql:/m);
  await page.getByLabel('Remember on this device').check();
  await expect.poll(stored).toContain(apiKey);

  // The operator token is dropped before anything is written, whatever tab or history holds it.
  await setHeaders(page, { Authorization: `Bearer ${ADMIN_TOKEN}` });
  await page.getByRole('button', { name: /Execute query/ }).click();
  await expect(response(page)).toContainText('OPERATOR');
  await page.waitForTimeout(500);
  expect(await stored()).toContain('checkproof-ide:');
  expect(await stored()).not.toContain(ADMIN_TOKEN);

  // Unticking takes everything off the device again.
  await page.getByLabel('Remember on this device').uncheck();
  expect(await stored()).not.toContain('checkproof-ide:');
  expect(await stored()).not.toContain(apiKey);
  // GraphiQL never wrote to its default place either.
  expect(await stored()).not.toMatch(/^graphiql:/m);
});

test('the sidebar loads an example into the editor, and the explorer lists the schema', async ({
  browser,
}) => {
  const { page } = await tenantAdmin(browser, uniq('IdePanels'));
  const errors = consoleErrors(page);
  await page.goto(serviceUrl('/console/graphql'));
  await expect(page.locator('.graphiql-query-editor .monaco-editor')).toBeVisible();
  await setQuery(page, 'query Scratch { viewer { kind } }');

  await page.getByRole('button', { name: 'Show Examples' }).click();
  await page.getByRole('button', { name: 'What did Entra do in the last hour?' }).click();
  await expect(page.locator('.graphiql-query-editor .monaco-editor')).toContainText('WhatDidEntraDo');
  await expect(page.locator('.graphiql-editor-tool .monaco-editor[data-uri*="variables"]')).toContainText(
    'since',
  );
  await look(page, 'graphiql-examples', [GRAPHIQL_TABS]);

  await page.getByRole('button', { name: 'Show GraphiQL Explorer' }).click();
  await expect(page.locator('.graphiql-plugin').getByText('userByUserName')).toBeVisible();
  await look(page, 'graphiql-explorer', [GRAPHIQL_TABS, GRAPHIQL_EXPLORER]);
  expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
});

test("the operator's IDE link from a tenant acts in that tenant (X-CheckProof-Tenant in its headers)", async ({
  page,
}) => {
  const tenant = await createTenant(uniq('IdeOp'));
  const userName = `${uniq('lin')}@ide.example`;
  await scimUser(tenant, userName, 'Lin Operator');
  await signInOperator(page);
  await page.getByRole('link', { name: tenant.name }).click();
  await expect(page.getByRole('heading', { name: 'Provisioning', level: 1 })).toBeVisible();
  await page.getByRole('navigation').getByRole('link', { name: 'GraphQL IDE' }).click();
  await expect(page).toHaveURL(new RegExp(`/console/graphql\\?tenant=${tenant.id}$`));
  await expect(page.getByText('acting in the tenant named in Headers')).toBeVisible();
  await setQuery(
    page,
    'query Acting { viewer { kind } users(first: 5) { totalCount edges { node { userName } } } }',
  );
  await page.getByRole('button', { name: /Execute query/ }).click();
  await expect(response(page)).toContainText(userName);
  await expect(response(page)).toContainText('OPERATOR');
});

test('GET /graphql from a browser is redirected to the IDE; GraphQL over GET is not', async ({ page }) => {
  // (5)
  const res = await fetch(serviceUrl('/graphql?query=%7B%20viewer%20%7B%20kind%20%7D%20%7D'), {
    headers: { accept: 'text/html,application/xhtml+xml' },
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('/console/graphql?query=%7B%20viewer%20%7B%20kind%20%7D%20%7D');
  const json = await fetch(serviceUrl('/graphql'), {
    headers: { accept: 'application/json' },
    redirect: 'manual',
  });
  expect(json.status).not.toBe(302);

  // The browser follows it and the IDE opens with the query in its first tab.
  await page.goto(serviceUrl('/graphql?query=%7B%20viewer%20%7B%20kind%20%7D%20%7D'));
  await expect(page).toHaveURL(/\/console\/graphql\?query=/);
  await expect(page.locator('.graphiql-query-editor .monaco-editor')).toContainText('viewer');
});
