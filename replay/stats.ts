/** Requests by kind: count, latency of every attempt, statuses, retries; printed as the summary table. */

interface KindStats {
  count: number;
  latencies: number[];
  errors: number;
  retries: number;
}

export interface KindSummary {
  kind: string;
  requests: number;
  errors: number;
  retries: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

export class Stats {
  private readonly kinds = new Map<string, KindStats>();
  /** Non-2xx answers (and network failures) by status, every attempt counted. */
  readonly statuses = new Map<string, number>();
  requests = 0;

  private of(kind: string): KindStats {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { count: 0, latencies: [], errors: 0, retries: 0 }));
    return k;
  }

  record(kind: string, status: number, ms: number): void {
    const k = this.of(kind);
    k.count++;
    k.latencies.push(ms);
    this.requests++;
    if (status < 200 || status >= 300) {
      k.errors++;
      this.statuses.set(String(status), (this.statuses.get(String(status)) ?? 0) + 1);
    }
  }

  network(kind: string): void {
    this.of(kind).errors++;
    this.statuses.set('network', (this.statuses.get('network') ?? 0) + 1);
  }

  retry(kind: string, _status: number): void {
    this.of(kind).retries++;
  }

  summary(wallSeconds: number): KindSummary[] {
    return [...this.kinds.entries()].map(([kind, k]) => {
      const sorted = Float64Array.from(k.latencies).sort();
      return {
        kind,
        requests: k.count,
        errors: k.errors,
        retries: k.retries,
        perSecond: wallSeconds > 0 ? k.count / wallSeconds : 0,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
      };
    });
  }
}

export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatSummary(stats: Stats, wallSeconds: number): string {
  const rows = stats
    .summary(wallSeconds)
    .map((s) => [
      s.kind,
      String(s.requests),
      String(s.errors),
      String(s.retries),
      s.perSecond.toFixed(1),
      s.p50.toFixed(1),
      s.p95.toFixed(1),
      s.p99.toFixed(1),
    ]);
  rows.push([
    'all',
    String(stats.requests),
    '',
    '',
    (wallSeconds > 0 ? stats.requests / wallSeconds : 0).toFixed(1),
    '',
    '',
    '',
  ]);
  return table(
    ['request kind', 'requests', 'non-2xx', 'retried', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms'],
    rows,
  );
}
