import { compareWrites, CreateLoad, presentUserNames, scimBase, scimHeaders, type Ctx } from '../context';
import { newAgent, percentile, request, sleep } from '../http';
import { ProbeProcess } from '../probe-process';
import { Tally, type Row } from '../report';
import { Service } from '../service';
import { Verdict } from '../verdict';

/**
 * i: SIGTERM while PostgreSQL is frozen (SIGSTOP) under create load. The service must still exit
 * within SHUTDOWN_TIMEOUT_MS: a database that does not answer must not hold a deploy. Then the
 * database is thawed and the service started again; acknowledged creates must all be present.
 */
export async function sigtermFrozen(ctx: Ctx): Promise<Row> {
  const started = performance.now();
  const prefix = `sigterm-frozen-${Date.now().toString(36)}`;
  const service = ctx.service;
  const load = new CreateLoad(ctx, prefix, ctx.mode.clients, 15_000);
  await sleep(ctx.mode.baselineMs);
  const processes = ctx.cluster.freeze();
  await sleep(1000);
  const sigAt = performance.now();
  service.terminate();
  const exit = await Promise.race([service.exited, sleep(30_000).then(() => undefined)]);
  const exitMs = exit ? exit.at - sigAt : null;
  if (!exit) service.killSync();
  ctx.cluster.thaw();
  await load.stop();
  ctx.service = await Service.start(ctx.serviceOptions);
  const writes = compareWrites(load.acked, load.unknown, load.errored, await presentUserNames(ctx, prefix));
  const limit = ctx.serviceOptions.shutdownTimeoutMs;
  const v = new Verdict()
    .fail(
      writes.missing > 0,
      `${writes.missing} acknowledged creates missing (${writes.missingNames.join(', ')})`,
    )
    .statuses(load.tally, { allowTimeouts: true })
    .fail(exitMs === null, 'did not exit within 30 s of SIGTERM')
    .fail(
      exitMs !== null && exitMs > limit,
      `exit took ${Math.round(exitMs ?? 0)} ms (target ≤ SHUTDOWN_TIMEOUT_MS = ${limit})`,
    );
  return v.row({
    id: 'i',
    name: 'SIGTERM while PostgreSQL is frozen',
    seconds: (performance.now() - started) / 1000,
    writes,
    statuses: load.tally,
    facts: {
      'processes stopped': processes,
      'exit ms': exitMs,
      'exit code': exit ? `${exit.code ?? '—'} ${exit.signal ?? ''}`.trim() : '—',
    },
  });
}

/** /healthz p99 under the large-page load, polled from a process of its own. */
export const LARGE_PAGES_HEALTHZ_P99_MS = 250;

/**
 * j: 50 clients asking GET /Users?count=1000 without pause (each page is ~0.5 MB of JSON): /healthz,
 * polled from a process of its own, must stay fast, because large pages take a few slots for
 * expensive work and are mapped and serialised in slices.
 */
export async function largePages(ctx: Ctx): Promise<Row> {
  const started = performance.now();
  const clients = ctx.mode.short ? 20 : 50;
  const seconds = ctx.mode.short ? 5 : 10;
  const base = scimBase(ctx);
  const headers = scimHeaders(ctx.tenant.scimToken);
  const health = new ProbeProcess(`${ctx.service.url}/healthz`, 50, 5000);
  const tally = new Tally();
  const latencies: number[] = [];
  let items = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const agent = newAgent(1);
      while (performance.now() < deadline && !ctx.aborted) {
        const o = await request(`${base}/Users?count=1000`, { headers, agent, timeoutMs: 30_000 });
        tally.add(o);
        if (o.kind === 'response') {
          latencies.push(o.ms);
          if (o.status === 200)
            items = Math.max(items, (JSON.parse(o.body) as { itemsPerPage: number }).itemsPerPage);
          if (o.status === 503 || o.status === 429) await sleep(200);
        }
      }
      agent.destroy();
    }),
  );
  const samples = (await health.stop()).map((s) => s.ms).sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  const p99 = percentile(samples, 99);
  const v = new Verdict()
    .statuses(tally)
    .fail(items < 1000, `pages held ${items} users, not 1,000 (the tenant is too small for the test)`)
    .fail(
      p99 > LARGE_PAGES_HEALTHZ_P99_MS,
      `/healthz p99 ${Math.round(p99)} ms (target ≤ ${LARGE_PAGES_HEALTHZ_P99_MS})`,
    );
  return v.row({
    id: 'j',
    name: `${clients} clients reading 1,000-user pages`,
    seconds: (performance.now() - started) / 1000,
    statuses: tally,
    facts: {
      'pages/s': tally.s2xx / seconds,
      'page p50/p99 ms': `${Math.round(percentile(latencies, 50))}/${Math.round(percentile(latencies, 99))}`,
      'healthz p50/p99/max ms (own process)': `${Math.round(percentile(samples, 50))}/${Math.round(p99)}/${Math.round(samples.at(-1) ?? 0)}`,
    },
  });
}
