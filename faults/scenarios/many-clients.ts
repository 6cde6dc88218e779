import {
  compareWrites,
  entraUser,
  presentUserNames,
  ReadyPoller,
  scimBase,
  scimHeaders,
  seedUsers,
  type Ctx,
} from '../context';
import { newAgent, percentile, request, sleep } from '../http';
import { Tally, type Row } from '../report';
import { Verdict } from '../verdict';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** /healthz must stay this fast under the load. */
export const HEALTHZ_TARGET_MS = 500;
/** Client timeouts tolerated, as a share of requests (the service should shed, not queue). */
export const TIMEOUT_SHARE_TARGET = 0.01;

/**
 * f: 2,000 clients at once, each on its own keep-alive connection, with a 2 s client timeout: a
 * mix of GET by id, filter by userName and creates. After a 429/503 a client waits 250–1000 ms;
 * after a timeout it opens a new connection. Measures latency, statuses, the service's RSS and how
 * fast /healthz stays; creates whose client gave up are compared with the rows present.
 */
export async function manyClients(ctx: Ctx): Promise<Row> {
  const started = performance.now();
  const prefix = `many-${Date.now().toString(36)}`;
  const base = scimBase(ctx);
  const headers = scimHeaders(ctx.tenant.scimToken);
  await seedUsers(ctx, `${prefix}-seed`, 100);
  const known = (
    await ctx.cluster.query<{ id: string; user_name: string }>(
      'select id, user_name from app_user where tenant_id = $1 order by created_at limit 500',
      [ctx.tenant.id],
    )
  ).map((r) => r);
  const rss = { before: ctx.service.rssMiB(), max: 0, after: 0 };
  const rssTimer = setInterval(() => (rss.max = Math.max(rss.max, ctx.service.rssMiB())), 250);
  const health = new ReadyPoller(() => ctx.service.url, 100, 5000, '/healthz');
  const tally = new Tally();
  const latencies: number[] = [];
  const acked = new Set<string>();
  const unknown = new Set<string>();
  const errored = new Set<string>();
  // The load generator's own event-loop delay: when it is large, latencies include the client's lag.
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const deadline = performance.now() + ctx.mode.manyClientsMs;
  const client = async (c: number) => {
    // All clients connect within the first second (a burst in one tick measures the generator).
    await sleep(Math.random() * 1000);
    const agent = newAgent(1);
    let seq = 0;
    while (performance.now() < deadline && !ctx.aborted) {
      const pick = Math.random();
      const k = known[Math.floor(Math.random() * known.length)]!;
      let userName: string | undefined;
      const o =
        pick < 0.3
          ? await request(`${base}/Users`, {
              method: 'POST',
              headers,
              body: entraUser((userName = `${prefix}-${c}-${seq++}@faults.example`)),
              agent,
              timeoutMs: 2000,
            })
          : pick < 0.65
            ? await request(`${base}/Users/${k.id}`, { headers, agent, timeoutMs: 2000 })
            : await request(`${base}/Users?filter=${encodeURIComponent(`userName eq "${k.user_name}"`)}`, {
                headers,
                agent,
                timeoutMs: 2000,
              });
      tally.add(o);
      if (o.kind === 'response') latencies.push(o.ms);
      if (userName) {
        if (o.kind === 'response' && o.status >= 200 && o.status < 300) acked.add(userName);
        else if (o.kind === 'response') errored.add(userName);
        else unknown.add(userName);
      }
      if (o.kind === 'response' && (o.status === 429 || o.status === 503))
        await sleep(250 + Math.random() * 750);
      else if (o.kind !== 'response') await sleep(100);
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: ctx.mode.manyClients }, (_, c) => client(c)));
  clearInterval(rssTimer);
  lag.disable();
  await sleep(2000);
  rss.after = ctx.service.rssMiB();
  await health.stop();
  const present = new Set(
    [...(await presentUserNames(ctx, prefix))].filter((n) => !n.startsWith(`${prefix}-seed-`)),
  );
  const writes = compareWrites(acked, unknown, errored, present);
  latencies.sort((a, b) => a - b);
  const healthSamples = health.samples.filter((s) => s.start < deadline);
  const healthMax = Math.max(0, ...healthSamples.map((s) => s.end - s.start));
  const healthBad = healthSamples.filter((s) => s.status !== 200).length;
  const v = new Verdict()
    .fail(
      writes.missing > 0,
      `${writes.missing} acknowledged creates missing (${writes.missingNames.join(', ')})`,
    )
    .statuses(tally, { allowTimeouts: true })
    .fail(
      tally.timeouts > tally.total * TIMEOUT_SHARE_TARGET,
      `${tally.timeouts} of ${tally.total} requests timed out at 2 s (target ≤ ${TIMEOUT_SHARE_TARGET * 100} %: shed instead)`,
    )
    .fail(
      healthMax > HEALTHZ_TARGET_MS,
      `/healthz took up to ${Math.round(healthMax)} ms (target ≤ ${HEALTHZ_TARGET_MS})`,
    )
    .fail(healthBad > 0, `/healthz failed ${healthBad} times`);
  return v.row({
    id: 'f',
    name: `${ctx.mode.manyClients} clients at once (2 s client timeout)`,
    seconds: (performance.now() - started) / 1000,
    writes,
    statuses: tally,
    facts: {
      's of load': ctx.mode.manyClientsMs / 1000,
      'req/s': tally.total / (ctx.mode.manyClientsMs / 1000),
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
      'RSS MiB before/max/after': `${Math.round(rss.before)}/${Math.round(rss.max)}/${Math.round(rss.after)}`,
      'healthz max ms': healthMax,
      'load generator lag max ms': lag.max / 1e6,
      'committed after client gave up': `${writes.unknownPresent} of ${writes.unknown}`,
    },
  });
}
