import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { Cluster } from './cluster';
import { createTenant, FULL, scimBase, scimHeaders, SHORT, type Ctx } from './context';
import { jsonLine, markdownTable, type Row } from './report';
import { badInput } from './scenarios/bad-input';
import { databaseFreeze, databaseRestart } from './scenarios/database';
import { graphqlBombs } from './scenarios/graphql-bombs';
import { manyClients } from './scenarios/many-clients';
import { twoProcesses } from './scenarios/race';
import { sigterm } from './scenarios/shutdown';
import { largePages, sigtermFrozen } from './scenarios/hangs';
import { live, logSize, readLog, Service, type ServiceOptions } from './service';
import { request, sleep } from './http';
import { execFileSync } from 'node:child_process';

/**
 * `npm run faults`: a throwaway PostgreSQL cluster, the built service with WORKERS=2 against it,
 * and one scenario per fault, each bounded by a hard time limit. Prints a row per scenario as it
 * ends, a JSON line per row and a markdown table; exits non-zero when a row fails (unless
 * --report-only). See docs/faults.md.
 */
interface Scenario {
  id: string;
  name: string;
  /** Hard limits in seconds: full and short mode. */
  limit: [number, number];
  run(ctx: Ctx): Promise<Row>;
}

const SCENARIOS: Scenario[] = [
  {
    id: 'a',
    name: 'PostgreSQL restart -m fast under create load',
    limit: [60, 40],
    run: (c) => databaseRestart(c, 'fast'),
  },
  {
    id: 'b',
    name: 'PostgreSQL restart -m immediate under create load',
    limit: [60, 40],
    run: (c) => databaseRestart(c, 'immediate'),
  },
  { id: 'c', name: 'PostgreSQL frozen (SIGSTOP) under create load', limit: [75, 45], run: databaseFreeze },
  { id: 'd', name: 'SIGTERM under keep-alive load (WORKERS=2)', limit: [75, 60], run: sigterm },
  {
    id: 'e',
    name: 'two processes racing on one group and one userName',
    limit: [120, 60],
    run: twoProcesses,
  },
  { id: 'f', name: '2,000 clients at once', limit: [90, 45], run: manyClients },
  { id: 'g', name: 'GraphQL fragment bomb and alias bomb', limit: [60, 30], run: graphqlBombs },
  { id: 'h', name: 'bad-input corpus', limit: [180, 90], run: badInput },
  { id: 'i', name: 'SIGTERM while PostgreSQL is frozen', limit: [75, 60], run: sigtermFrozen },
  { id: 'j', name: 'clients reading 1,000-user pages', limit: [60, 40], run: largePages },
];

const args = new Set(process.argv.slice(2));
const short = args.has('--short') || ['1', 'true', 'yes'].includes(process.env.FAULTS_SHORT ?? '');
const reportOnly = args.has('--report-only');
const onlyArg = [...args].find((a) => a.startsWith('--only='))?.slice(7) ?? process.env.FAULTS_ONLY;
const only = onlyArg ? new Set(onlyArg.split(',').map((s) => s.trim())) : undefined;

let cluster: Cluster | undefined;
let tornDown = false;
function teardownSync(): void {
  if (tornDown) return;
  tornDown = true;
  for (const s of live) s.killSync();
  cluster?.destroySync();
}
process.on('exit', teardownSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(sig, () => {
    console.error(`\nfaults: ${sig}, tearing down`);
    teardownSync();
    process.exit(130);
  });

const log = (msg: string) => console.error(msg);

async function main(): Promise<number> {
  const t0 = performance.now();
  const src = gitHead();
  const mode = short ? SHORT : FULL;
  const logDir = mkdtempSync('/tmp/cpd-faults-logs-');
  const logFile = path.join(logDir, 'service.log');
  log(`faults: ${short ? 'short' : 'full'} mode; service log ${logFile}`);
  cluster = await Cluster.create();
  cluster.armWatchdog();
  log(`faults: PostgreSQL 15 on 127.0.0.1:${cluster.port} (${cluster.dir})`);
  const serviceOptions: ServiceOptions = {
    databaseUrl: cluster.databaseUrl,
    logFile,
    workers: 2,
    adminToken: `faults-admin-${Date.now()}-0123456789abcdef`,
    shutdownTimeoutMs: 5000,
  };
  let service = await Service.start(serviceOptions);
  log(`faults: service pid ${service.pid} on ${service.url}`);
  const tenant = await createTenant(service.url, serviceOptions.adminToken, 'faults');
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    if (only && !only.has(scenario.id)) continue;
    const ctx: Ctx = { mode, cluster, service, serviceOptions, tenant, aborted: false, log };
    const limitS = scenario.limit[short ? 1 : 0];
    log(`faults: ${scenario.id}. ${scenario.name} (hard limit ${limitS} s)`);
    const logFrom = logSize(logFile);
    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let row: Row;
    try {
      row = await Promise.race([
        scenario.run(ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`hard limit of ${limitS} s exceeded`)), limitS * 1000);
        }),
      ]);
    } catch (err) {
      ctx.aborted = true;
      row = {
        id: scenario.id,
        name: scenario.name,
        verdict: 'FAIL',
        reasons: [`did not complete: ${err instanceof Error ? err.message : String(err)}`],
        seconds: (performance.now() - startedAt) / 1000,
        facts: {},
      };
    } finally {
      clearTimeout(timer);
    }
    ctx.aborted = true;
    // Whatever happened, the next scenario starts on a running cluster and a ready service.
    cluster.thaw();
    if (cluster.postmasterPid() === undefined)
      await cluster.start().catch((e: unknown) => log(`faults: restart of PostgreSQL failed: ${String(e)}`));
    service = ctx.service;
    const notServing = await serving(service, scimBase(ctx), tenant.scimToken);
    if (notServing) {
      log(`faults: service not serving 20 s after the scenario (${notServing}); restarting it`);
      failRow(row, `service not serving 20 s afterwards: ${notServing} (restarted)`);
      service.killSync();
      await service.exited;
      service = await Service.start(serviceOptions);
    }
    const stats = readLog(logFile, logFrom);
    row.log = {
      lines: stats.lines,
      nonJson: stats.nonJson.length,
      ...(stats.nonJson[0] ? { firstNonJson: stats.nonJson[0] } : {}),
      errors: Object.fromEntries([...stats.errors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)),
    };
    if (stats.nonJson.length > 0) {
      failRow(row, `${stats.nonJson.length} non-JSON log lines (first: ${stats.nonJson[0]!.slice(0, 120)})`);
    }
    rows.push(row);
    console.log(jsonLine(row));
    log(`faults: ${row.id}. ${row.verdict} in ${row.seconds.toFixed(1)} s: ${row.reasons.join('; ')}`);
    for (const [msg, n] of Object.entries(row.log.errors)) log(`    service log error ×${n}: ${msg}`);
  }
  await service.stop();
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `\n## Fault suite (${short ? 'short' : 'full'} mode, ${seconds.toFixed(0)} s, src ${src}, ${new Date().toISOString()})\n`,
  );
  console.log(markdownTable(rows));
  const failed = rows.filter((r) => r.verdict === 'FAIL');
  console.log(`\n${rows.length - failed.length} passed, ${failed.length} failed; service log: ${logFile}`);
  return failed.length > 0 && !reportOnly ? 1 : 0;
}

/** Adds a failure reason to a row (a passing row's note gives way to it). */
function failRow(row: Row, reason: string): void {
  if (row.verdict === 'PASS') row.reasons = [];
  row.verdict = 'FAIL';
  row.reasons.push(reason);
}

/**
 * After a scenario: /readyz 200 and a SCIM GET answered 2xx within 20 s. A service that says it is
 * ready but cannot serve (a wedged pool) fails this.
 */
async function serving(service: Service, scimUrl: string, token: string): Promise<string | undefined> {
  const deadline = performance.now() + 20_000;
  let last = 'not tried';
  while (performance.now() < deadline) {
    if (service.exit) return `exited (code ${service.exit.code})`;
    const r = await request(`${service.url}/readyz`, { timeoutMs: 2000 });
    if (r.kind === 'response' && r.status === 200) {
      const g = await request(`${scimUrl}/Users?count=1`, { headers: scimHeaders(token), timeoutMs: 5000 });
      if (g.kind === 'response' && g.status === 200) return undefined;
      last = `SCIM GET ${g.kind === 'response' ? g.status : g.code}`;
    } else last = `/readyz ${r.kind === 'response' ? r.status : r.code}`;
    await sleep(200);
  }
  return last;
}

/** The commit the built code came from, marked "+ uncommitted src" when the working tree differs. */
function gitHead(): string {
  const git = (...argv: string[]) =>
    execFileSync('git', argv, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `${git('log', '-1', '--format=%h')}${dirty ? ' + uncommitted src' : ''}`;
  } catch {
    return 'unknown';
  }
}

main().then(
  (code) => {
    teardownSync();
    process.exit(code);
  },
  (err: unknown) => {
    console.error('faults: the suite itself failed:', err);
    teardownSync();
    process.exit(2);
  },
);
