import { compareWrites, CreateLoad, presentUserNames, ReadyPoller, waitFor, type Ctx } from '../context';
import { sleep } from '../http';
import { Tally, type Row } from '../report';
import { Verdict } from '../verdict';

/** Recovery target after the database is back: first 2xx and /readyz 200 within this. */
export const RECOVERY_TARGET_MS = 2000;
/** A request during a freeze must be answered within this (503 + Retry-After), never hang. */
export const FREEZE_ANSWER_TARGET_MS = 5000;
/** /readyz must say 503 within this after the database freezes. */
export const FREEZE_READY_TARGET_MS = 1000;

/**
 * a/b: PostgreSQL stopped (fast or immediate) under SCIM create load, kept down for a few seconds,
 * started again. The fault ends when pg_ctl start returns (the server accepts connections).
 */
export async function databaseRestart(ctx: Ctx, mode: 'fast' | 'immediate'): Promise<Row> {
  const started = performance.now();
  const outageMs = mode === 'fast' ? ctx.mode.restartOutageMs : ctx.mode.immediateOutageMs;
  const prefix = `restart-${mode}-${Date.now().toString(36)}`;
  const ready = new ReadyPoller(() => ctx.service.url);
  const load = new CreateLoad(ctx, prefix, ctx.mode.clients, 15_000);
  await sleep(ctx.mode.baselineMs);
  const faultAt = performance.now();
  await ctx.cluster.stop(mode);
  const stoppedAt = performance.now();
  await sleep(outageMs);
  await ctx.cluster.start();
  const backAt = performance.now();
  ctx.log(
    `  ${mode} stop took ${Math.round(stoppedAt - faultAt)} ms, database back after ${Math.round(backAt - faultAt)} ms`,
  );
  await waitFor(
    () => load.first2xxAfter(backAt) !== null && ready.firstAfter(backAt, 200) !== null,
    15_000,
    ctx,
  );
  await sleep(1500);
  await load.stop();
  await ready.stop();
  const writes = compareWrites(load.acked, load.unknown, load.errored, await presentUserNames(ctx, prefix));
  const first2xx = load.first2xxAfter(backAt);
  const readyMs = ready.firstAfter(backAt, 200);
  const during = new Tally();
  for (const e of load.events) if (e.start >= faultAt && e.start < backAt) during.add(e.outcome);
  const v = new Verdict()
    .fail(
      writes.missing > 0,
      `${writes.missing} acknowledged creates missing (${writes.missingNames.join(', ')})`,
    )
    .statuses(load.tally)
    .fail(
      first2xx === null || first2xx > RECOVERY_TARGET_MS,
      `first 2xx ${fmt(first2xx)} after the database returned (target ≤ ${RECOVERY_TARGET_MS})`,
    )
    .fail(
      readyMs === null || readyMs > RECOVERY_TARGET_MS,
      `/readyz 200 ${fmt(readyMs)} after the database returned (target ≤ ${RECOVERY_TARGET_MS})`,
    );
  return v.row({
    id: mode === 'fast' ? 'a' : 'b',
    name: `PostgreSQL restart -m ${mode} under create load`,
    seconds: (performance.now() - started) / 1000,
    writes,
    statuses: load.tally,
    recoveryMs: { first2xx, ready: readyMs },
    facts: {
      clients: ctx.mode.clients,
      'outage ms': backAt - faultAt,
      'during outage': summary(during),
      'answered error but present': writes.errorButPresent,
    },
  });
}

/**
 * c: every PostgreSQL process SIGSTOPped for `freezeMs` under create load, then SIGCONT. Measures
 * how fast /readyz turns 503, how requests are answered meanwhile, and recovery after the thaw.
 */
export async function databaseFreeze(ctx: Ctx): Promise<Row> {
  const started = performance.now();
  const prefix = `freeze-${Date.now().toString(36)}`;
  const ready = new ReadyPoller(() => ctx.service.url, 100, 1500);
  const load = new CreateLoad(ctx, prefix, ctx.mode.clients, ctx.mode.freezeMs + 10_000);
  await sleep(ctx.mode.baselineMs);
  const freezeAt = performance.now();
  let thawAt = freezeAt;
  let processes = 0;
  try {
    processes = ctx.cluster.freeze();
    await sleep(ctx.mode.freezeMs);
  } finally {
    ctx.cluster.thaw();
    thawAt = performance.now();
  }
  await waitFor(
    () => load.first2xxAfter(thawAt) !== null && ready.firstAfter(thawAt, 200) !== null,
    15_000,
    ctx,
  );
  await sleep(1500);
  await load.stop();
  await ready.stop();
  const writes = compareWrites(load.acked, load.unknown, load.errored, await presentUserNames(ctx, prefix));
  const ready503 = ready.samples.find((s) => s.end >= freezeAt && s.end < thawAt && s.status === 503);
  const readyMs = ready503 ? ready503.end - freezeAt : null;
  const readyTimeouts = ready.samples.filter(
    (s) => s.start >= freezeAt && s.start < thawAt && s.status === 'timeout',
  ).length;
  // Requests sent during the freeze: how they were answered, and the slowest.
  const during = new Tally();
  let slowest = 0;
  for (const e of load.events)
    if (e.start >= freezeAt && e.start < thawAt) {
      during.add(e.outcome);
      slowest = Math.max(slowest, Math.min(e.end, thawAt) - e.start);
    }
  // Requests in flight across the whole freeze never answered before the thaw.
  const hung = load.events.filter((e) => e.start <= freezeAt + 1000 && e.end >= thawAt).length;
  const first503 = load.events.find(
    (e) => e.end >= freezeAt && e.outcome.kind === 'response' && e.outcome.status === 503,
  );
  const first2xx = load.first2xxAfter(thawAt);
  const readyBack = ready.firstAfter(thawAt, 200);
  const v = new Verdict()
    .fail(
      writes.missing > 0,
      `${writes.missing} acknowledged creates missing (${writes.missingNames.join(', ')})`,
    )
    .statuses(load.tally)
    .fail(
      readyMs === null || readyMs > FREEZE_READY_TARGET_MS,
      `/readyz 503 ${fmt(readyMs)} after the freeze (target < ${FREEZE_READY_TARGET_MS}; ${readyTimeouts} polls timed out at 1.5 s)`,
    )
    .fail(
      slowest > FREEZE_ANSWER_TARGET_MS,
      `a request sent during the freeze waited ${Math.round(slowest)} ms (target ≤ ${FREEZE_ANSWER_TARGET_MS}); ${hung} hung across the whole freeze`,
    )
    .fail(during.s503 === 0 && during.total > 0, 'no 503 during the freeze')
    .fail(
      first2xx === null || first2xx > RECOVERY_TARGET_MS,
      `first 2xx ${fmt(first2xx)} after the thaw (target ≤ ${RECOVERY_TARGET_MS})`,
    )
    .fail(
      readyBack === null || readyBack > RECOVERY_TARGET_MS,
      `/readyz 200 ${fmt(readyBack)} after the thaw (target ≤ ${RECOVERY_TARGET_MS})`,
    );
  return v.row({
    id: 'c',
    name: `PostgreSQL frozen ${ctx.mode.freezeMs / 1000} s (SIGSTOP) under create load`,
    seconds: (performance.now() - started) / 1000,
    writes,
    statuses: load.tally,
    recoveryMs: { first2xx, ready: readyBack },
    facts: {
      'processes stopped': processes,
      'freeze→readyz 503 ms': readyMs,
      'freeze→first 503 ms': first503 ? first503.end - freezeAt : null,
      'slowest during freeze ms': slowest,
      'hung whole freeze': hung,
      'during freeze': summary(during),
      'answered error but present': writes.errorButPresent,
    },
  });
}

export function summary(t: Tally): string {
  const parts: string[] = [];
  if (t.s2xx) parts.push(`2xx×${t.s2xx}`);
  if (t.s503) parts.push(`503×${t.s503}`);
  if (t.s429) parts.push(`429×${t.s429}`);
  for (const [k, n] of t.detail) parts.push(`${k}×${n}`);
  return parts.join(' ') || 'none';
}

const fmt = (v: number | null) => (v === null ? 'never' : `${Math.round(v)} ms`);
