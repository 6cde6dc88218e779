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
  };
}

/** Formats results as a Markdown table, each row also as a fraction of its ceiling when given. */
export function table(rows: Array<LoadResult & { ceiling?: LoadResult }>): string {
  const lines = [
    '| workload | req/s | p50 ms | p95 ms | p99 ms | errors | vs raw pg |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const frac = r.ceiling ? `${Math.round((r.rps / r.ceiling.rps) * 100)} % of ${r.ceiling.name}` : '';
    lines.push(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${frac} |`,
    );
  }
  return lines.join('\n');
}
