import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    )
    .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\//, 'each must be a postgres:// or postgresql:// URL')))
    .optional(),
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(100).max(3_600_000).default(2000),
  DATA_DIR: z.string().min(1).default('./.data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ALLOW_INSECURE_PUBLIC_URL: booleanString.default(false),
  TRUST_PROXY: booleanString.default(false),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  SCIM_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  SCIM_MAX_RESULTS: z.coerce.number().int().min(1).max(10000).default(1000),
  PROVISIONING_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  DELETED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  CHANGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  SUBSCRIPTION_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(1000),
  SUBSCRIPTION_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  GRAPHQL_INTROSPECTION: booleanString.optional(),
  GRAPHQL_IDE: booleanString.optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(50000),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).default(100),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(500).default(10000),
  GRAPHQL_EXPENSIVE_COST: z.coerce.number().int().min(0).default(25000),
  GRAPHQL_TENANT_EXPENSIVE_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  JWT_HS256_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_TENANT_CLAIM: z.string().min(1).default('tid'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(50).default(3000),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(50).default(2000),
  MAX_INFLIGHT: z.coerce.number().int().min(1).default(64),
  MAX_QUEUED: z.coerce.number().int().min(0).default(512),
  QUEUE_TIMEOUT_MS: z.coerce.number().int().min(0).default(2000),
  TENANT_SHARE: z.coerce.number().min(0.05).max(1).default(0.5),
  MAX_EXPENSIVE: z.coerce.number().int().min(1).default(2),
  METRICS: booleanString.default(true),
  METRICS_TENANT_LABELS: booleanString.default(false),
  WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
  WEBHOOK_DISPATCHER: booleanString.default(true),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanString.default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(10000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(5000),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds')
    .transform((v) => v.split(',').map(Number))
    .optional(),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly databaseUrl: string | undefined;
  readonly replicas: {
    /** Hot standbys of DATABASE_URL's server; GraphQL query operations read from them (docs/scaling.md). */
    readonly urls: readonly string[];
    /** A replica whose data may be older than this is skipped (another replica, else the primary). */
    readonly maxLagMs: number;
  };
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  /**
   * Why PUBLIC_URL will not do for Entra (unset, loopback, or plain http), said once at start in
   * development; undefined when it is a public https URL. Production refuses such a URL instead.
   */
  readonly publicUrlWarning: string | undefined;
  /**
   * The request's client address and protocol come from the nearest proxy's X-Forwarded-For and
   * X-Forwarded-Proto. URLs the service hands out never do: they come from PUBLIC_URL.
   */
  readonly trustProxy: boolean;
  readonly adminToken: string;
  /** True when the admin token was generated at start because none was configured. */
  readonly adminTokenGenerated: boolean;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly dbPoolMax: number;
  readonly embeddedPgPort: number;
  readonly scim: {
    readonly maxBodyBytes: number;
    readonly maxResults: number;
    /** Provisioning-log entries older than this many days are deleted. */
    readonly logRetentionDays: number;
  };
  readonly changes: {
    /** Change events (the audit trail) older than this many days are deleted. */
    readonly retentionDays: number;
    /** WebSocket connections (subscriptions) one process serves at once. */
    readonly maxConnections: number;
    /** How often an open subscription socket's credentials are checked again. */
    readonly recheckMs: number;
  };
  readonly graphql: {
    readonly introspection: boolean;
    readonly ide: boolean;
    readonly maxDepth: number;
    readonly maxCost: number;
    /** Aliased fields per operation (fragments counted where spread). */
    readonly maxAliases: number;
    /** Lexical tokens per GraphQL document, enforced while parsing. */
    readonly maxTokens: number;
    /** Operations estimated above this cost are expensive (see tenantExpensiveConcurrency). */
    readonly expensiveCost: number;
    /** Expensive operations one tenant may run at once per process; beyond, 429. */
    readonly tenantExpensiveConcurrency: number;
  };
  readonly jwt: {
    readonly hs256Secret: string | undefined;
    readonly jwksUrl: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
    readonly tenantClaim: string;
  };
  /** Deleted users and groups stay restorable this many days, then are purged (ADR 0012). */
  readonly deletedRetentionDays: number;
  readonly shutdownTimeoutMs: number;
  readonly db: {
    /** Server-side limit on one statement (and, plus a margin, the client's wait for its answer). */
    readonly statementTimeoutMs: number;
    readonly idleInTransactionTimeoutMs: number;
    /** Longest wait for a pooled connection before answering 503. */
    readonly acquireTimeoutMs: number;
    readonly connectTimeoutMs: number;
  };
  readonly admission: {
    /** Requests served at once per process; more wait in a queue. */
    readonly maxInflight: number;
    /** Requests that may wait; beyond, 503 at once. */
    readonly maxQueued: number;
    /** Longest wait in the queue before 503. */
    readonly queueTimeoutMs: number;
    /** Fraction of maxInflight one tenant may hold; beyond, 429. */
    readonly tenantShare: number;
    /** Expensive requests (large pages) rendered at once. */
    readonly maxExpensive: number;
  };
  readonly metrics: { readonly enabled: boolean; readonly tenantLabels: boolean };
  /** HTTP worker processes (node:cluster); the service keeps no state in memory that needs sharing. */
  readonly workers: number;
  readonly webhooks: {
    /** This process runs a dispatcher (every worker does by default). */
    readonly dispatch: boolean;
    /** Webhooks may reach loopback, private and link-local addresses (tests and labs only). */
    readonly allowPrivateTargets: boolean;
    /** One attempt's deadline: connect, send, response head and excerpt. */
    readonly timeoutMs: number;
    /** Attempts in flight at once per process. */
    readonly concurrency: number;
    /** Look for work this often without a notice. */
    readonly pollMs: number;
    /** Waits before each retry; the Standard Webhooks schedule to ~3 days unless set (tests). */
    readonly retryDelaysMs: readonly number[] | undefined;
  };
}

/** Why a PUBLIC_URL cannot be Entra's Provisioning URL (unset, loopback, not https), or undefined. */
function publicUrlUnfitForEntra(value: string | undefined): string | undefined {
  if (!value) return 'is not set (it defaults to http://localhost)';
  const url = new URL(value);
  if (url.protocol !== 'https:') return `is not https (${url.origin})`;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback =
    host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1';
  return loopback ? `names a loopback address (${url.host})` : undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment once; throws ConfigError with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty variables as unset, the way docker-compose and shells commonly pass them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.ADMIN_TOKEN) {
    throw new ConfigError(['ADMIN_TOKEN: required when NODE_ENV=production']);
  }
  if (e.JWT_HS256_SECRET && e.JWT_JWKS_URL) {
    throw new ConfigError(['JWT_HS256_SECRET, JWT_JWKS_URL: set one of them, not both']);
  }
  if (e.DATABASE_REPLICA_URLS?.length && !e.DATABASE_URL) {
    throw new ConfigError([
      'DATABASE_REPLICA_URLS: needs DATABASE_URL (the embedded PostgreSQL has no replicas)',
    ]);
  }
  const dev = e.NODE_ENV !== 'production';
  const displayHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  const publicUrl = (e.PUBLIC_URL ?? `http://${displayHost}:${e.PORT}`).replace(/\/+$/, '');
  const publicUrlProblem = publicUrlUnfitForEntra(e.PUBLIC_URL);
  const https = e.PUBLIC_URL !== undefined && new URL(e.PUBLIC_URL).protocol === 'https:';
  if (!dev && !https && !e.ALLOW_INSECURE_PUBLIC_URL) {
    throw new ConfigError([
      `PUBLIC_URL: ${publicUrlProblem ?? 'is not https'}; NODE_ENV=production needs the https:// URL that Entra and browsers ` +
        'reach (TLS ends at a proxy in front; see docs/deploy.md). ALLOW_INSECURE_PUBLIC_URL=true starts anyway.',
    ]);
  }
  return Object.freeze({
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    replicas: Object.freeze({
      urls: Object.freeze(e.DATABASE_REPLICA_URLS ?? []),
      maxLagMs: e.REPLICA_MAX_LAG_MS,
    }),
    dataDir: path.resolve(e.DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    publicUrlWarning:
      e.NODE_ENV === 'development' && publicUrlProblem
        ? `PUBLIC_URL ${publicUrlProblem}: Entra ID needs a public https Provisioning URL, so it cannot ` +
          'provision this instance (fine for local work; see docs/deploy.md)'
        : undefined,
    trustProxy: e.TRUST_PROXY,
    adminToken: e.ADMIN_TOKEN ?? `cpd_admin_${randomBytes(24).toString('base64url')}`,
    adminTokenGenerated: !e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    dbPoolMax: e.DB_POOL_MAX,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    scim: Object.freeze({
      maxBodyBytes: e.SCIM_MAX_BODY_BYTES,
      maxResults: e.SCIM_MAX_RESULTS,
      logRetentionDays: e.PROVISIONING_LOG_RETENTION_DAYS,
    }),
    changes: Object.freeze({
      retentionDays: e.CHANGE_RETENTION_DAYS,
      maxConnections: e.SUBSCRIPTION_MAX_CONNECTIONS,
      recheckMs: e.SUBSCRIPTION_RECHECK_MS,
    }),
    graphql: Object.freeze({
      introspection: e.GRAPHQL_INTROSPECTION ?? dev,
      ide: e.GRAPHQL_IDE ?? dev,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      expensiveCost: e.GRAPHQL_EXPENSIVE_COST,
      tenantExpensiveConcurrency: e.GRAPHQL_TENANT_EXPENSIVE_CONCURRENCY,
    }),
    jwt: Object.freeze({
      hs256Secret: e.JWT_HS256_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      tenantClaim: e.JWT_TENANT_CLAIM,
    }),
    deletedRetentionDays: e.DELETED_RETENTION_DAYS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    db: Object.freeze({
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      acquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    }),
    admission: Object.freeze({
      maxInflight: e.MAX_INFLIGHT,
      maxQueued: e.MAX_QUEUED,
      queueTimeoutMs: e.QUEUE_TIMEOUT_MS,
      tenantShare: e.TENANT_SHARE,
      maxExpensive: e.MAX_EXPENSIVE,
    }),
    metrics: Object.freeze({ enabled: e.METRICS, tenantLabels: e.METRICS_TENANT_LABELS }),
    workers: e.WORKERS === 'auto' ? availableParallelism() : e.WORKERS,
    webhooks: Object.freeze({
      dispatch: e.WEBHOOK_DISPATCHER,
      allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      pollMs: e.WEBHOOK_POLL_MS,
      retryDelaysMs: e.WEBHOOK_RETRY_DELAYS_MS ? Object.freeze(e.WEBHOOK_RETRY_DELAYS_MS) : undefined,
    }),
  });
}
