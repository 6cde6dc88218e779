import cluster from 'node:cluster';
import type { Middleware } from 'koa';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ShedReason } from './admission';
import type { RequestState } from './state';

/** What the metrics read from the rest of the process, sampled when /metrics is scraped. */
export interface MetricSources {
  pool(): { used: number; free: number; pending: number; creating: number };
  admission(): { inflight: number; queued: number };
  provisioningLog(): { queued: number; oldestAgeSeconds: number };
  database(): { ready: boolean; down: boolean };
  /** Read replicas (DATABASE_REPLICA_URLS), if any. */
  replicas?(): ReadonlyArray<{ replica: string; inUse: boolean; lagMs: number | null }>;
}

export interface Metrics {
  registry: Registry;
  /** Counts and times every request by route family and status class (first middleware). */
  middleware: Middleware<RequestState>;
  shed(reason: ShedReason): void;
  provisioningLogWrite(outcome: 'written' | 'failed' | 'dropped', entries: number): void;
  /** A statement meant for a replica ran on the primary (unusable, unreachable, write, conflict, transaction). */
  replicaFallBack(replica: string, reason: string): void;
  /** Sources are known only once the app is wired. */
  setSources(sources: MetricSources): void;
}

/** The route family of a path: a bounded label (never an id). */
export function routeFamily(path: string): string {
  if (path.startsWith('/scim/')) return 'scim';
  if (path === '/graphql') return 'graphql';
  if (path === '/healthz' || path === '/readyz') return 'health';
  if (path === '/metrics') return 'metrics';
  return 'other';
}

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/**
 * Prometheus metrics (prom-client) in a registry of the app's own: request rate, errors and
 * latency by route family and status class, shed requests, the connection pool and its waiters,
 * admission, the provisioning log's backlog, database availability, and Node's defaults (event-loop
 * lag included). Tenant ids become label values only with `tenantLabels` (unbounded cardinality).
 */
export function createMetrics(opts: { tenantLabels: boolean }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: MetricSources | undefined;
  const labels = opts.tenantLabels
    ? ['family', 'method', 'status', 'tenant']
    : ['family', 'method', 'status'];
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route family, method and status class.',
    labelNames: labels,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route family and status class.',
    labelNames: ['family', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const shed = new Counter({
    name: 'http_shed_total',
    help: 'Requests not served: full (503), queue_timeout (503), tenant (429), gone (client left first).',
    labelNames: ['reason'],
    registers: [registry],
  });
  const logWrites = new Counter({
    name: 'provisioning_log_entries_total',
    help: 'Provisioning-log entries by outcome: written, failed (a batch write failed; retried), dropped.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const fallBacks = new Counter({
    name: 'db_replica_fallbacks_total',
    help: 'Statements meant for a read replica that ran on the primary, by replica and reason.',
    labelNames: ['replica', 'reason'],
    registers: [registry],
  });
  const gauge = (
    name: string,
    help: string,
    read: (g: Gauge) => void,
    labelNames: string[] = [],
    aggregator: 'sum' | 'max' = 'sum',
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      aggregator,
      registers: [registry],
      collect() {
        if (sources) read(this);
      },
    });
  gauge(
    'db_pool_connections',
    'Database connections of this process by state (used, free, pending acquires, being opened).',
    (g) => {
      const p = sources!.pool();
      g.set({ state: 'used' }, p.used);
      g.set({ state: 'free' }, p.free);
      g.set({ state: 'pending' }, p.pending);
      g.set({ state: 'creating' }, p.creating);
    },
    ['state'],
  );
  gauge('db_ready', '1 when the database answered the last probe.', (g) =>
    g.set(sources!.database().ready ? 1 : 0),
  );
  gauge('db_down', '1 while the database is declared down (requests answered 503).', (g) =>
    g.set(sources!.database().down ? 1 : 0),
  );
  // A cluster's workers each measure the same replicas: the worst lag counts, not the sum.
  gauge(
    'db_replica_lag_seconds',
    'Upper bound of how far each read replica is behind the primary, at its last sample (-1: unknown).',
    (g) => {
      for (const r of sources!.replicas?.() ?? [])
        g.set({ replica: r.replica }, r.lagMs === null ? -1 : r.lagMs / 1000);
    },
    ['replica'],
    'max',
  );
  gauge(
    'db_replica_in_use',
    '1 while GraphQL queries read from this replica; 0 while it is skipped (lagging, unreachable, not a standby).',
    (g) => {
      for (const r of sources!.replicas?.() ?? []) g.set({ replica: r.replica }, r.inUse ? 1 : 0);
    },
    ['replica'],
    'max',
  );
  gauge('http_inflight_requests', 'Requests being served.', (g) => g.set(sources!.admission().inflight));
  gauge('http_queued_requests', 'Requests waiting for a slot.', (g) => g.set(sources!.admission().queued));
  gauge('provisioning_log_queued_entries', 'Provisioning-log entries not yet written.', (g) =>
    g.set(sources!.provisioningLog().queued),
  );
  gauge('provisioning_log_lag_seconds', 'Age of the oldest provisioning-log entry not yet written.', (g) =>
    g.set(sources!.provisioningLog().oldestAgeSeconds),
  );

  // Label children by their values: inc() and observe() with a labels object hash it on every call.
  const requestChildren = new Map<string, { inc(): void }>();
  const durationChildren = new Map<string, { observe(v: number): void }>();
  const middleware: Middleware<RequestState> = async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const family = routeFamily(ctx.path);
      const status = statusClass(ctx.status);
      const tenant = opts.tenantLabels ? (ctx.state.tenantId ?? '') : '';
      const key = `${family}|${ctx.method}|${status}|${tenant}`;
      let counter = requestChildren.get(key);
      if (!counter) {
        const values: Record<string, string> = { family, method: ctx.method, status };
        if (opts.tenantLabels) values.tenant = tenant;
        // Node parses only the HTTP methods it knows, so keys are few; tenant labels are not.
        counter = requests.labels(values);
        if (requestChildren.size < 1000) requestChildren.set(key, counter);
      }
      counter.inc();
      const dkey = `${family}|${status}`;
      let histogram = durationChildren.get(dkey);
      if (!histogram) {
        histogram = duration.labels({ family, status });
        durationChildren.set(dkey, histogram);
      }
      histogram.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };

  return {
    registry,
    middleware,
    shed: (reason) => shed.inc({ reason }),
    provisioningLogWrite: (outcome, entries) => logWrites.inc({ outcome }, entries),
    replicaFallBack: (replica, reason) => fallBacks.inc({ replica, reason }),
    setSources: (s) => {
      sources = s;
    },
  };
}

const REQUEST = 'cpd:metrics-request';
const RESPONSE = 'cpd:metrics-response';
let nextRequest = 0;

/**
 * The text to serve at /metrics. In a cluster worker it asks the primary, which gathers every
 * worker's registry (prom-client's AggregatorRegistry sums them), so a scrape that lands on any
 * worker sees the whole process group.
 */
export async function metricsText(registry: Registry): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  const id = ++nextRequest;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary did not answer the metrics request'));
    }, 3000);
    const onMessage = (msg: { type?: string; id?: number; text?: string; error?: string }) => {
      if (msg?.type !== RESPONSE || msg.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (msg.text !== undefined) resolve(msg.text);
      else reject(new Error(msg.error ?? 'metrics aggregation failed'));
    };
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id });
  });
}

/** In a worker: lets the primary collect this registry (call once per worker). */
export function shareWithPrimary(registry: Registry): void {
  if (!cluster.isWorker) return;
  AggregatorRegistry.setRegistries([registry]);
  // The constructor installs the worker's answering listener.
  new AggregatorRegistry();
}

/** In the primary: answers workers' /metrics requests with every worker's metrics combined. */
export function aggregateForWorkers(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, msg: { type?: string; id?: number }) => {
    if (msg?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: msg.id, text }),
      (err: unknown) => worker.send({ type: RESPONSE, id: msg.id, error: String(err) }),
    );
  });
}
