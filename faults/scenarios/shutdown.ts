import {
  compareWrites,
  CreateLoad,
  presentUserNames,
  scimBase,
  scimHeaders,
  ReadyPoller,
  type Ctx,
} from '../context';
import { newAgent, request, sleep, type Outcome } from '../http';
import { Tally, type Row } from '../report';
import { Service } from '../service';
import { Verdict } from '../verdict';

/**
 * d: SIGTERM to the primary (WORKERS=2) while keep-alive clients send creates and slower reads
 * (GET /Users?count=1000, a GraphQL page of 500 users) without pause. Counts resets of requests
 * already sent, answers carrying Connection: close, the time to exit, /readyz while draining, and
 * acknowledged creates against rows present. Then starts the service again for what follows.
 */
export async function sigterm(ctx: Ctx): Promise<Row> {
  const started = performance.now();
  const prefix = `sigterm-${Date.now().toString(36)}`;
  const service = ctx.service;
  const base = scimBase(ctx);
  let sigAt = Number.POSITIVE_INFINITY;
  const afterSig = { responses: 0, connectionClose: 0 };
  const count = (o: Outcome) => {
    if (o.kind === 'response' && o.end >= sigAt) {
      afterSig.responses++;
      if (String(o.headers.connection ?? '').toLowerCase() === 'close') afterSig.connectionClose++;
    }
  };
  const slowTally = new Tally();
  const resetsReused = { n: 0 };
  const creates = new CreateLoad(
    ctx,
    prefix,
    Math.max(4, Math.round(ctx.mode.clients * 0.75)),
    15_000,
    (o) => {
      count(o);
      if (o.kind === 'reset' && o.reusedSocket) resetsReused.n++;
    },
  );
  let stopSlow = false;
  const slowClient = async (i: number) => {
    const agent = newAgent(1);
    while (!stopSlow && !ctx.aborted) {
      const o =
        i % 2 === 0
          ? await request(`${base}/Users?count=1000`, {
              headers: scimHeaders(ctx.tenant.scimToken),
              agent,
              timeoutMs: 15_000,
            })
          : await graphqlOn(agent, service.url, ctx.tenant.readKey);
      slowTally.add(o);
      count(o);
      if (o.kind === 'reset' && o.reusedSocket) resetsReused.n++;
      if (o.kind !== 'response') await sleep(50);
    }
    agent.destroy();
  };
  const slow = Array.from({ length: Math.max(2, Math.round(ctx.mode.clients * 0.25)) }, (_, i) =>
    slowClient(i),
  );
  const ready = new ReadyPoller(() => service.url, 50, 1500);
  await sleep(ctx.mode.baselineMs);
  sigAt = performance.now();
  service.terminate();
  const exit = await Promise.race([service.exited, sleep(30_000).then(() => undefined)]);
  const exitMs = exit ? exit.at - sigAt : null;
  // A refused connection after the listener closed is expected; stop once the process is gone.
  stopSlow = true;
  await creates.stop();
  await Promise.all(slow);
  await ready.stop();
  if (!exit) service.killSync();
  const writes = compareWrites(
    creates.acked,
    creates.unknown,
    creates.errored,
    await presentUserNames(ctx, prefix),
  );
  const all = new Tally();
  all.merge(creates.tally);
  all.merge(slowTally);
  const readyAfter = new Map<string, number>();
  let ready200Late = 0;
  for (const s of ready.samples)
    if (s.end >= sigAt) {
      readyAfter.set(String(s.status), (readyAfter.get(String(s.status)) ?? 0) + 1);
      if (s.status === 200 && s.start >= sigAt + 250) ready200Late++;
    }
  // Start the service again for the following scenarios.
  ctx.service = await Service.start(ctx.serviceOptions);
  const limit = ctx.serviceOptions.shutdownTimeoutMs;
  const v = new Verdict()
    .fail(
      writes.missing > 0,
      `${writes.missing} acknowledged creates missing (${writes.missingNames.join(', ')})`,
    )
    .statuses(all)
    .fail(exitMs === null, 'did not exit within 30 s of SIGTERM')
    .fail(
      exitMs !== null && exitMs > limit,
      `exit took ${Math.round(exitMs ?? 0)} ms (target ≤ SHUTDOWN_TIMEOUT_MS = ${limit})`,
    )
    .fail(
      exit !== undefined && exit.code !== 0,
      `exit code ${exit?.code ?? '—'} signal ${exit?.signal ?? '—'}`,
    )
    .fail(ready200Late > 0, `/readyz answered 200 ${ready200Late} times ≥ 250 ms after SIGTERM`);
  return v.row({
    id: 'd',
    name: 'SIGTERM under keep-alive load (WORKERS=2)',
    seconds: (performance.now() - started) / 1000,
    writes,
    statuses: all,
    facts: {
      'exit ms': exitMs,
      'answers after SIGTERM': afterSig.responses,
      'with Connection: close': afterSig.connectionClose,
      'resets on reused sockets': resetsReused.n,
      'resets on new connections': all.resets - resetsReused.n,
      'refused after close': all.refused,
      'readyz after SIGTERM': [...readyAfter.entries()].map(([k, n]) => `${k}×${n}`).join(' ') || 'none',
    },
  });
}

/** A GraphQL page of 500 users on this client's own keep-alive socket. */
function graphqlOn(agent: ReturnType<typeof newAgent>, url: string, key: string): Promise<Outcome> {
  return request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      query: '{ users(first: 500) { totalCount edges { node { id userName displayName active } } } }',
    }),
    agent,
    timeoutMs: 15_000,
  });
}
