import { Client } from 'pg';
import { startTestApp } from '../support/app';
import { scimTenant } from '../support/scim';
import { useScimApp } from '../support/use-app';

/** /metrics in Prometheus text, and the provisioning log records failed authentications. */
const { db, app, scim } = useScimApp();

it('serves request, pool, shed, provisioning-log and event-loop metrics without tenant ids', async () => {
  await scim.req('GET', '/Users');
  await scim.req('GET', '/Users/not-a-uuid');
  const res = await fetch(`${app.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  expect(text).toMatch(/http_requests_total\{family="scim",method="GET",status="2xx"\} [1-9]/);
  expect(text).toMatch(/http_requests_total\{family="scim",method="GET",status="4xx"\} [1-9]/);
  expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",family="scim",status="2xx"\}/);
  for (const name of [
    'db_pool_connections{state="used"}',
    'db_pool_connections{state="pending"}',
    'db_ready 1',
    'db_down 0',
    'http_inflight_requests',
    'http_queued_requests',
    'provisioning_log_queued_entries',
    'provisioning_log_lag_seconds',
    'nodejs_eventloop_lag_seconds',
  ]) {
    expect(text).toContain(name);
  }
  expect(text).toContain('# TYPE http_shed_total counter');
  expect(text).not.toContain(scim.tenantId);
});

it('labels requests with the tenant only when METRICS_TENANT_LABELS is on', async () => {
  const labelled = await startTestApp(db, { METRICS_TENANT_LABELS: 'true' });
  try {
    const other = await scimTenant(labelled);
    await other.req('GET', '/Users');
    const text = await (await fetch(`${labelled.url}/metrics`)).text();
    expect(text).toContain(`tenant="${other.tenantId}"`);
  } finally {
    await labelled.close();
  }
});

it('records a request with a wrong token in the provisioning log of the tenant in the URL', async () => {
  const requestId = `wrong-token-${Date.now()}`;
  const res = await fetch(`${scim.base}/Users`, {
    headers: { authorization: 'Bearer cpd_scim_not-the-right-token', 'x-request-id': requestId },
  });
  expect(res.status).toBe(401);
  // A made-up tenant id in the URL is answered too, and written nowhere.
  const stray = await fetch(`${app.url}/scim/v2/00000000-0000-4000-8000-000000000000/Users`, {
    headers: { authorization: 'Bearer nope', 'x-request-id': `${requestId}-stray` },
  });
  expect(stray.status).toBe(401);
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    let rows: Array<{ tenant_id: string; status: number; error_detail: string }> = [];
    for (let i = 0; i < 60 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = (
        await c.query(
          'select tenant_id, status, error_detail from provisioning_log where request_id like $1',
          [`${requestId}%`],
        )
      ).rows;
    }
    expect(rows).toEqual([{ tenant_id: scim.tenantId, status: 401, error_detail: expect.any(String) }]);
  } finally {
    await c.end();
  }
});

it('logs a request whose body holds a lone surrogate (valid JSON, refused by jsonb)', async () => {
  const requestId = `surrogate-${Date.now()}`;
  const res = await fetch(`${scim.base}/Users`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${scim.token}`,
      'content-type': 'application/scim+json',
      'x-request-id': requestId,
    },
    body: '{"userName":"lone-\\ud800@contoso.com","title":"\\udc00"}',
  });
  expect(res.status).toBeLessThan(500);
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    let rows: Array<{ operations: { title?: string } }> = [];
    for (let i = 0; i < 60 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = (await c.query('select operations from provisioning_log where request_id = $1', [requestId]))
        .rows;
    }
    expect(rows).toEqual([{ operations: expect.objectContaining({ title: '\uFFFD' }) }]);
  } finally {
    await c.end();
  }
});
