/**
 * Response bodies reach the provisioning log as the text that was sent when nothing in it needs
 * changing, and through the parsed, redacted copy otherwise: both must store the same JSON, with no
 * secret and nothing jsonb refuses.
 */
import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant } from '../support/factories';
import { recordProvisioningBatch } from '../../src/domain/provisioning/provisioning-log.service';
import { query, sql } from '../../src/domain/sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const entry = (tenantId: string, requestId: string, responseBody: unknown) => ({
  tenantId,
  requestId,
  method: 'GET',
  path: '/Users',
  status: 200,
  durationMs: 1,
  errorDetail: null,
  warnings: [],
  operations: null,
  responseBody,
});

async function stored(tenantId: string): Promise<Record<string, unknown>> {
  const rows = await query<{ request_id: string; body: unknown }>(
    db.em(),
    sql`select request_id, response_body as body from provisioning_log where tenant_id = ${tenantId} order by id`,
  );
  return Object.fromEntries(rows.map((r) => [r.request_id, r.body]));
}

describe('provisioning-log response bodies', () => {
  it('stores ordinary answers as sent, and redacts or repairs the others, in one batch', async () => {
    const { tenant } = await buildTenant(db);
    const user = { id: 'u1', userName: 'a@x.test', name: { givenName: 'Ä "quoted" \\ back' }, emails: [] };
    await recordProvisioningBatch(db.em(), [
      entry(tenant.id, 'plain', JSON.stringify(user)),
      entry(
        tenant.id,
        'secret',
        JSON.stringify({ ...user, password: 'Secr3t!', nested: { Token: 'tok-1' } }),
      ),
      entry(tenant.id, 'nul', JSON.stringify({ detail: 'bad \u0000 byte' })),
      entry(tenant.id, 'surrogate', JSON.stringify({ detail: 'lone \ud800 half' })),
      entry(tenant.id, 'pair', JSON.stringify({ detail: 'emoji 😀' })),
      entry(tenant.id, 'not-json', 'plain text'),
      entry(tenant.id, 'empty', ''),
      entry(tenant.id, 'object', { already: 'parsed', secret: 'x' }),
    ]);
    const got = await stored(tenant.id);
    expect(got.plain).toEqual(user);
    expect(got.secret).toEqual({ ...user, password: '[redacted]', nested: { Token: '[redacted]' } });
    expect(got.nul).toEqual({ detail: 'bad \ufffd byte' });
    expect(got.surrogate).toEqual({ detail: 'lone \ufffd half' });
    expect(got.pair).toEqual({ detail: 'emoji 😀' });
    expect(got['not-json']).toBe('plain text');
    expect(got.empty).toBeNull();
    expect(got.object).toEqual({ already: 'parsed', secret: '[redacted]' });
  });
});
