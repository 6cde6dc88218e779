// The Webhooks pages: a tenant admin adds an endpoint pointing at a receiver on loopback (the suite's
// service runs with WEBHOOK_ALLOW_PRIVATE_TARGETS=true), reads its secret once, sends a test event
// that arrives signed per Standard Webhooks, watches a failure in the delivery log and redelivers it
// once the receiver is back; then rotates the secret (both signatures during the overlap), edits
// and deletes the endpoint. Every page, dialog and drawer is checked with axe.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { closeDialog, goTo, look, readValue, scim, scimUser, tenantAdmin, uniq } from './support';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records each request and answers with `status` (settable). */
class Receiver {
  readonly requests: Received[] = [];
  status = 204;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.status, { 'content-type': 'text/plain' });
        res.end(this.status >= 300 ? 'receiver down for maintenance' : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/checkproof`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Waits for the n-th request (1-based) and returns it. */
  async nth(n: number): Promise<Received> {
    await expect.poll(() => this.requests.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(n);
    return this.requests[n - 1]!;
  }
}

/** docs/changes.md's verification, as a receiver would run it. */
function verifyWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64')}`;
  return String(headers['webhook-signature'])
    .split(' ')
    .some(
      (sig) => sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected)),
    );
}

test.describe.configure({ mode: 'serial' });

const receiver = new Receiver();
let admin: Page;
let secret = '';

test.beforeAll(async () => {
  await receiver.start();
});

test.afterAll(async () => {
  await admin?.context().close();
  await receiver.stop();
});

/** The delivery log's body rows, newest first. */
const logRows = (page: Page) =>
  page
    .getByRole('table')
    .filter({ has: page.getByRole('columnheader', { name: 'Event type' }) })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

test('an endpoint added in the page receives a signed test event; a failure is redelivered from the log', async ({
  browser,
}) => {
  const made = await tenantAdmin(browser, uniq('Litware'));
  const tenant = made.tenant;
  admin = made.page;
  const page = admin;
  await goTo(page, 'Webhooks');
  await expect(page.getByText(/No endpoints yet/)).toBeVisible();
  await look(page, 'webhooks-empty');

  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const add = page.getByRole('dialog', { name: 'Add endpoint' });
  await add.getByLabel('Endpoint URL').fill(receiver.url);
  await add.getByLabel('Description').fill('Access revocation service');
  await add.getByRole('radio', { name: 'Only the types I choose' }).check();
  // Nothing ticked: the form says so instead of sending an empty list (which would mean "all").
  await add.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(add.getByText('Choose at least one event type.')).toBeVisible();
  await add.getByRole('checkbox', { name: 'user.disabled' }).check();
  await add.getByRole('checkbox', { name: 'user.deleted' }).check();
  await look(page, 'webhooks-add');
  await add.getByRole('button', { name: 'Add endpoint' }).click();

  const added = page.getByRole('dialog', { name: 'Endpoint added' });
  secret = await readValue(added, 'Signing secret');
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  await expect(added).toContainText('cannot be shown again');
  await look(page, 'webhooks-secret');
  await closeDialog(page);

  // Done leads to the endpoint's page; the list has it too.
  await expect(page.getByRole('heading', { name: receiver.url, level: 1 })).toBeVisible();
  await expect(
    page.getByText(/Event types:\s*user\.(disabled, user\.deleted|deleted, user\.disabled)$/),
  ).toBeVisible();
  await expect(page.getByText(/No deliveries yet/)).toBeVisible();
  await look(page, 'webhook-endpoint-empty');
  await goTo(page, 'Webhooks');
  const row = page.getByRole('row').filter({ hasText: receiver.url });
  await expect(row).toContainText('Active');
  await expect(row).toContainText('Access revocation service');
  await expect(row).toContainText('None yet');
  await look(page, 'webhooks');
  await row.getByRole('link', { name: receiver.url }).click();
  await expect(page.getByRole('heading', { name: receiver.url, level: 1 })).toBeVisible();

  // A test event arrives, signed with the secret the page showed.
  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Test event queued' })).toBeVisible();
  const first = await receiver.nth(1);
  expect(verifyWebhook(secret, first.headers, first.body)).toBe(true);
  expect(
    verifyWebhook(`whsec_${Buffer.from('not the secret').toString('base64')}`, first.headers, first.body),
  ).toBe(false);
  expect(first.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(first.body)).toMatchObject({
    type: 'webhook.test',
    subject: { type: 'WebhookEndpoint' },
  });
  await expect(logRows(page)).toHaveCount(1);
  await expect(logRows(page).first()).toContainText('webhook.test');
  await expect(logRows(page).first()).toContainText('Delivered');
  await expect(logRows(page).first().getByRole('cell', { name: '204', exact: true })).toBeVisible();
  // Test events leave the endpoint's health alone.
  await expect(page.getByText(/^Status:\s*No event delivered yet/)).toBeVisible();

  // A change in the directory: Entra deletes someone. Only the subscribed user.deleted is sent.
  const gone = await scimUser(tenant, 'jo@litware.example', 'Jo Jones');
  expect((await scim(tenant, tenant.scimToken, 'DELETE', `/Users/${gone}`)).status).toBe(204);
  const deleted = await receiver.nth(2);
  expect(verifyWebhook(secret, deleted.headers, deleted.body)).toBe(true);
  expect(JSON.parse(deleted.body)).toMatchObject({
    type: 'user.deleted',
    subject: { type: 'User', id: gone },
    data: { userName: 'jo@litware.example' },
  });
  await expect(logRows(page)).toHaveCount(2);
  await expect(logRows(page).first()).toContainText('user.deleted');
  await expect(logRows(page).first()).toContainText('Delivered');
  // The endpoint's status follows its log.
  await expect(page.getByText(/^Status:\s*Last delivered/)).toBeVisible();
  await look(page, 'webhook-endpoint');

  // The receiver fails: the test event (tried once) is Failed, with the answer in its attempt.
  receiver.status = 500;
  await page.getByRole('button', { name: 'Send test event' }).click();
  const failed = await receiver.nth(3);
  await expect(logRows(page)).toHaveCount(3);
  await expect(logRows(page).first()).toContainText('Failed');
  await expect(logRows(page).first().getByRole('cell', { name: '500', exact: true })).toBeVisible();
  await logRows(page)
    .first()
    .getByRole('button', { name: /^Show delivery/ })
    .click();
  const drawer = page.getByRole('dialog', { name: 'Delivery details' });
  await expect(drawer).toContainText('Attempts (1)');
  await expect(drawer.getByText('500', { exact: true })).toBeVisible();
  await expect(drawer.getByRole('region', { name: 'Response of attempt 1' })).toHaveText(
    'receiver down for maintenance',
  );
  await expect(drawer).toContainText(String(failed.headers['webhook-id']));
  await look(page, 'webhook-delivery');

  // Back up: Redeliver sends the same event (same webhook-id), signed again.
  receiver.status = 200;
  await drawer.getByRole('button', { name: 'Redeliver' }).click();
  await expect(drawer.getByRole('status')).toContainText('Queued again');
  const again = await receiver.nth(4);
  expect(again.headers['webhook-id']).toBe(failed.headers['webhook-id']);
  expect(again.body).toBe(failed.body);
  expect(verifyWebhook(secret, again.headers, again.body)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(logRows(page)).toHaveCount(4);
  await expect(logRows(page).first()).toContainText('Delivered');
  await expect(logRows(page).first().getByRole('cell', { name: '200', exact: true })).toBeVisible();

  // The log filters by state.
  await page.getByRole('combobox', { name: 'State' }).click();
  await page.getByRole('option', { name: 'Failed' }).click();
  await expect(logRows(page)).toHaveCount(1);
  await expect(page.getByText(/^1–1 of 1 deliveries$/)).toBeVisible();
});

test('rotating the secret signs with both during the overlap; the endpoint is edited and deleted', async () => {
  const page = admin;
  await expect(page.getByRole('heading', { name: receiver.url, level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate signing secret?' });
  await expect(rotate).toContainText('old one signs too');
  await look(page, 'webhook-rotate');
  await rotate.getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = page.getByRole('dialog', { name: 'New signing secret' });
  const fresh = await readValue(rotated, 'Signing secret');
  expect(fresh).toMatch(/^whsec_/);
  expect(fresh).not.toBe(secret);
  await expect(rotated).toContainText('The old secret keeps working until');
  await look(page, 'webhook-rotated');
  await closeDialog(page);
  await expect(page.getByText(/the previous secret signs too until/)).toBeVisible();

  const before = receiver.requests.length;
  await page.getByRole('button', { name: 'Send test event' }).click();
  const signed = await receiver.nth(before + 1);
  expect(String(signed.headers['webhook-signature']).split(' ')).toHaveLength(2);
  expect(verifyWebhook(fresh, signed.headers, signed.body)).toBe(true);
  expect(verifyWebhook(secret, signed.headers, signed.body)).toBe(true);

  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit endpoint' });
  await expect(edit.getByLabel('Endpoint URL')).toHaveValue(receiver.url);
  await expect(edit.getByRole('checkbox', { name: 'user.deleted' })).toBeChecked();
  await edit.getByLabel('Description').fill('Session revoker (staging)');
  await edit.getByRole('radio', { name: /^All event types/ }).check();
  await edit.getByRole('switch', { name: 'Enabled' }).uncheck();
  await look(page, 'webhook-edit');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  await expect(page.getByText('Session revoker (staging)')).toBeVisible();
  await expect(page.getByText('All event types')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 }).locator('..')).toContainText('Disabled');
  await expect(page.getByText(/turned off by an administrator/)).toBeVisible();

  await page.getByRole('button', { name: 'Delete' }).click();
  const del = page.getByRole('dialog', { name: 'Delete endpoint?' });
  await expect(del).toContainText('cannot be undone');
  await look(page, 'webhook-delete');
  await del.getByRole('button', { name: 'Delete endpoint' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await expect(page.getByText(/No endpoints yet/)).toBeVisible();
});
