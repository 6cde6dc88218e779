import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { fastFetch } from './http-client';
import { createBenchApiKey, createBenchTenant } from './tenant';
import { runLoad } from './load';
import { startService } from './service';

/**
 * Webhook delivery throughput to a local receiver: one endpoint, N users created through SCIM
 * (c=16, one subject each, so deliveries run in parallel), then the time until the receiver has
 * every user.created event; also the commit → receipt delay per event. A second run sends N
 * member-added events of one group (one subject: delivered one after another, in feed order).
 * Called by bench/run.ts; `node dist/bench/webhooks.js` runs it alone on a fresh database.
 */
export interface WebhookBenchOptions {
  url: string;
  adminToken: string;
  log: (line: string) => void;
}

const N = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 2000);

async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fastFetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export async function runWebhookBench({ url, adminToken, log }: WebhookBenchOptions): Promise<void> {
  const arrivals: Array<{ at: number; occurredAt: number; type: string }> = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; occurredAt: string };
      arrivals.push({ at: Date.now(), occurredAt: Date.parse(body.occurredAt), type: body.type });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    const createTenant = await createBenchTenant(url, adminToken, 'bench-hooks', 'Bench hooks');
    const key = await createBenchApiKey(url, adminToken, createTenant.tenantId, 'hooks', ['TENANT_ADMIN']);
    await gql(url, key, `mutation($u: String!) { createWebhookEndpoint(input: { url: $u }) { secret } }`, {
      u: hook,
    });
    const headers = {
      authorization: `Bearer ${createTenant.scimToken}`,
      'content-type': 'application/scim+json',
    };
    const ids: string[] = [];
    const started = Date.now();
    await runLoad('SCIM create user (webhook endpoint on)', N, 16, async (i) => {
      const res = await fastFetch(`${createTenant.scimUrl}/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `hook${i}@bench.example`,
        }),
      });
      ids.push(((await res.json()) as { id: string }).id);
      return res.status === 201;
    });
    const written = Date.now();
    while (arrivals.filter((a) => a.type === 'user.created').length < N)
      await new Promise((r) => setTimeout(r, 20));
    const done = Date.now();
    const delays = arrivals.map((a) => a.at - a.occurredAt).sort((a, b) => a - b);
    const lines = [
      `\nWebhook delivery to a local receiver (${N} events, one dispatcher, 16 in flight)\n`,
      '| workload | events | seconds | deliveries/s | commit → receipt p50 ms | p95 ms | p99 ms |',
      '|---|---:|---:|---:|---:|---:|---:|',
      `| user.created, ${N} subjects (SCIM c=16 while delivering) | ${N} | ${((done - started) / 1000).toFixed(2)} | ${(N / ((done - started) / 1000)).toFixed(0)} | ${pct(delays, 0.5)} | ${pct(delays, 0.95)} | ${pct(delays, 0.99)} |`,
    ];
    // One subject: a group gaining N members in one PATCH; its events go out one at a time.
    const group = (await (
      await fastFetch(`${createTenant.scimUrl}/Groups`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'hooks',
        }),
      })
    ).json()) as { id: string };
    const before = arrivals.length;
    const patched = Date.now();
    await fastFetch(`${createTenant.scimUrl}/Groups/${group.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }],
      }),
    });
    while (arrivals.length < before + 1 + N) await new Promise((r) => setTimeout(r, 20));
    const serial = (Date.now() - patched) / 1000;
    lines.push(
      `| group.member_added, 1 subject (in feed order, one at a time) | ${N} | ${serial.toFixed(2)} | ${(N / serial).toFixed(0)} | | | |`,
    );
    log(lines.join('\n'));
    log(`(SCIM writes took ${((written - started) / 1000).toFixed(2)} s of the first row.)`);
  } finally {
    receiver.close();
  }
}

if (require.main === module) {
  // Standalone: a fresh database and the built service, as bench/run.ts starts them.
  void (async () => {
    const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new Client({ connectionString: base });
    await admin.connect();
    const dbName = `cpd_bench_hooks_${Date.now().toString(36)}`;
    await admin.query(`create database "${dbName}"`);
    const dbUrl = base.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
    const service = await startService(dbUrl);
    try {
      await runWebhookBench({ url: service.url, adminToken: service.adminToken, log: (l) => console.log(l) });
    } finally {
      await service.stop();
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
