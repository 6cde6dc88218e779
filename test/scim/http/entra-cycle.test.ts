import defaultCycle from '../../fixtures/entra/cycle-default.json';
import flaggedCycle from '../../fixtures/entra/cycle-aadOptscim062020.json';
import { scimTenant } from '../../support/scim';
import { replay, type ReplayFixture } from '../../support/entra-replay';
import { listProvisioning } from '../../../src/domain/provisioning/provisioning-log.service';
import { useTestApp } from '../../support/use-app';

const { db, app } = useTestApp();

/** The provisioning log is written after the response; wait until it has caught up. */
async function logOf(tenantId: string, atLeast: number) {
  for (let i = 0; i < 50; i++) {
    const rows = await listProvisioning(db.em(), tenantId, 1000);
    if (rows.length >= atLeast) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
  return listProvisioning(db.em(), tenantId, 1000);
}

describe.each([
  ['the default dialect', defaultCycle as ReplayFixture],
  ['the ?aadOptscim062020 dialect', flaggedCycle as ReplayFixture],
])('an Entra provisioning cycle in %s', (_dialect, fixture) => {
  it('replays probe → create → parallel membership → updates → disable → re-enable → delete', async () => {
    const scim = await scimTenant(app);
    const results = await replay(scim, fixture);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    // Every request is in the tenant's provisioning log, none as a server error.
    const log = await logOf(scim.tenantId, results.length);
    expect(log).toHaveLength(results.length);
    expect(log.filter((e) => e.status >= 500)).toEqual([]);
    expect(log.filter((e) => e.warnings.length > 0)).toEqual([]);
  });
});

describe('the Tenant URL as admins paste it', () => {
  // Entra joins the resource path to the Tenant URL's path and keeps the URL's own query first.
  it.each(['', '/', '?aadOptscim062020', '/?aadOptscim062020=true', '?aadOptscim062020&unknown=1'])(
    'answers Test Connection for the Tenant URL "<Provisioning URL>%s"',
    async (suffix) => {
      const scim = await scimTenant(app);
      const [path = '', query] = suffix.split('?');
      const url = `${scim.base}${path.replace(/\/$/, '')}/Users?${query ? `${query}&` : ''}filter=userName+eq+%22${crypto.randomUUID()}%22`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${scim.token}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { totalResults: number }).totalResults).toBe(0);
    },
  );

  it('tolerates a trailing slash on resource paths', async () => {
    const scim = await scimTenant(app);
    expect((await scim.req('GET', '/Users/?aadOptscim062020')).status).toBe(200);
    expect((await scim.req('GET', '/Groups/')).status).toBe(200);
  });
});
