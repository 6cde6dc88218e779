import http from 'node:http';
import https from 'node:https';
import type { Stats } from './stats';

export interface ScimResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SCIM body of any shape, read by the caller
  body: any;
}

export class AbortedError extends Error {
  constructor() {
    super('interrupted');
  }
}

const RETRY_STATUSES = new Set([429, 503]);
const MAX_RETRIES = 30;
const MAX_NETWORK_RETRIES = 5;
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * SCIM over node:http(s) with one keep-alive agent (maxSockets = concurrency): the request shape
 * Entra sends (Bearer token, application/scim+json), the Tenant URL's query string kept on every
 * request as Entra does, 429/503 retried after Retry-After, every attempt timed per kind.
 */
export class ScimHttp {
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly basePath: string;
  private readonly baseQuery: string;

  constructor(
    private readonly base: URL,
    private readonly token: string,
    concurrency: number,
    private readonly stats: Stats,
    private readonly signal?: AbortSignal,
  ) {
    this.mod = base.protocol === 'https:' ? https : http;
    this.agent = new this.mod.Agent({
      keepAlive: true,
      maxSockets: concurrency,
      maxFreeSockets: concurrency,
    });
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.baseQuery = base.search.replace(/^\?/, '');
  }

  close(): void {
    this.agent.destroy();
  }

  /** Sends one SCIM request; retries 429/503 (after Retry-After) and connection failures, then returns what came. */
  async send(kind: string, method: string, path: string, body?: unknown): Promise<ScimResponse> {
    let networkFailures = 0;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let res: { status: number; headers: http.IncomingHttpHeaders; text: string };
      try {
        res = await this.once(method, path, body);
      } catch (err) {
        this.stats.network(kind);
        if (++networkFailures > MAX_NETWORK_RETRIES || this.signal?.aborted) throw err;
        await this.sleep(200 * 2 ** networkFailures);
        continue;
      }
      this.stats.record(kind, res.status, performance.now() - started);
      if (RETRY_STATUSES.has(res.status) && attempt < MAX_RETRIES) {
        this.stats.retry(kind, res.status);
        await this.sleep(retryAfterMs(res.headers['retry-after']));
        continue;
      }
      let parsed: unknown = undefined;
      if (res.text !== '') {
        try {
          parsed = JSON.parse(res.text);
        } catch {
          parsed = res.text;
        }
      }
      return { status: res.status, body: parsed };
    }
  }

  private once(
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const [p, q = ''] = path.split('?', 2) as [string, string?];
    const query = [q, this.baseQuery].filter((s) => s !== '').join('&');
    return new Promise((resolve, reject) => {
      const req = this.mod.request(
        {
          host: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port || (this.base.protocol === 'https:' ? 443 : 80),
          path: `${this.basePath}${p}${query ? `?${query}` : ''}`,
          method,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/scim+json',
            'user-agent': 'CheckProof-replay (Entra ID provisioning cycles)',
            ...(payload !== undefined
              ? {
                  'content-type': 'application/scim+json; charset=utf-8',
                  'content-length': Buffer.byteLength(payload),
                }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Waits, unless the run is interrupted meanwhile (then throws AbortedError). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.signal?.aborted) return reject(new AbortedError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortedError());
      };
      const timer = setTimeout(() => {
        this.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); 1 s when absent, at most 60 s. */
export function retryAfterMs(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return 1000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Math.min(60_000, Math.max(0, Number.isFinite(ms) ? ms : 1000));
}
