import { cpuBetween, sampleCpu, type CpuSample } from './cpu';

/** A small closed-loop load generator: `concurrency` workers issue `total` requests, timing each. */
export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU milliseconds per request of the service, PostgreSQL and the load generator (Linux). */
  cpuMsPerRequest?: CpuSample;
}

let servicePid: number | undefined;

/** The service process whose CPU the results report. */
export function watchServiceCpu(pid: number | undefined): void {
  servicePid = pid;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `task(i)` `total` times with `concurrency` in flight; `task` resolves true on success. */
export async function runLoad(
  name: string,
  total: number,
  concurrency: number,
  task: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const cpuBefore = sampleCpu(servicePid);
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await task(i);
      } catch {
        ok = false;
      }
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = sampleCpu(servicePid);
  const used = cpuBefore && cpuAfter ? cpuBetween(cpuBefore, cpuAfter) : undefined;
  const cpuMsPerRequest: CpuSample | undefined = used
    ? {
        service: (used.service * 1000) / total,
        postgres: (used.postgres * 1000) / total,
        client: (used.client * 1000) / total,
      }
    : undefined;
  latencies.sort((a, b) => a - b);
  return {
    name,
    requests: total,
    errors,
    seconds,
    rps: total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    ...(cpuMsPerRequest ? { cpuMsPerRequest } : {}),
  };
}

/** Formats results as a Markdown table, each row also as a fraction of its ceiling when given. */
export function table(rows: Array<LoadResult & { ceiling?: LoadResult }>): string {
  const cpu = rows.some((r) => r.cpuMsPerRequest);
  const lines = [
    `| workload | req/s | p50 ms | p95 ms | p99 ms | errors | vs raw pg |${cpu ? ' CPU ms/request: service / PostgreSQL / load generator |' : ''}`,
    `|---|---:|---:|---:|---:|---:|---:|${cpu ? '---:|' : ''}`,
  ];
  for (const r of rows) {
    const frac = r.ceiling ? `${Math.round((r.rps / r.ceiling.rps) * 100)} % of ${r.ceiling.name}` : '';
    const c = r.cpuMsPerRequest;
    const cpuCell = c
      ? ` ${[c.service, c.postgres, c.client].map((v) => v.toFixed(3)).join(' / ')} |`
      : cpu
        ? ' |'
        : '';
    lines.push(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${frac} |${cpuCell}`,
    );
  }
  return lines.join('\n');
}
