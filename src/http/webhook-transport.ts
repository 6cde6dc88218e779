import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress } from '../domain/webhooks/webhook.targets';
import type { WebhookResponse, WebhookTransport } from '../domain/webhooks/webhook.types';

export interface WebhookTransportOptions {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: let webhooks reach loopback and private addresses (tests, labs). */
  allowPrivate: boolean;
  /** The whole attempt: connect, send, response head and the excerpt (10 s). */
  timeoutMs: number;
  /** Response bytes read at most; the rest is never read (1 kB). */
  excerptBytes: number;
}

class TargetRefused extends Error {
  constructor(host: string, address: string) {
    super(`refused: ${host} resolves to ${address}, a loopback, private, link-local or multicast address`);
    this.name = 'TargetRefused';
  }
}

/**
 * A DNS lookup that refuses a host if any address it resolves to is forbidden. It runs when the
 * socket connects, so the address checked is the address used: a name that resolved to a public
 * address when the endpoint was saved and to 127.0.0.1 now (DNS rebinding) is refused.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
      if (bad) return callback(new TargetRefused(hostname, bad.address), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The outbound HTTP client of webhooks: POST only, no redirects followed (a 3xx is a failed
 * attempt), one deadline for the whole attempt, at most `excerptBytes` of the response read, and
 * no connection to a forbidden address unless private targets are allowed (ADR 0013).
 */
export function createWebhookTransport(opts: WebhookTransportOptions): WebhookTransport {
  const lookup = guardedLookup(opts.allowPrivate);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };
  return (request) =>
    new Promise<WebhookResponse>((resolve) => {
      const started = Date.now();
      // Set once the request exists; the deadline covers the whole attempt from here.
      let abort: (err: Error) => void = () => undefined;
      const timer = setTimeout(() => abort(new Error(`timeout after ${opts.timeoutMs} ms`)), opts.timeoutMs);
      const done = (r: Omit<WebhookResponse, 'latencyMs'>) => {
        clearTimeout(timer);
        resolve({ ...r, latencyMs: Date.now() - started });
      };
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return done({ error: 'invalid URL' });
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        return done({ error: 'refused: not an http or https URL' });
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!opts.allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host))
        return done({ error: new TargetRefused(host, host).message });
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, {
        method: 'POST',
        agent: agents[url.protocol],
        lookup,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      });
      abort = (err) => req.destroy(err);
      req.on('error', (err) => done({ error: err.message }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const excerpt = Buffer.concat(chunks).subarray(0, opts.excerptBytes).toString('utf8');
          const retryAfter = res.headers['retry-after'];
          done({
            status: res.statusCode ?? 0,
            ...(retryAfter ? { retryAfter } : {}),
            ...(excerpt ? { excerpt } : {}),
          });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= opts.excerptBytes) {
            // Read no more than the excerpt; the connection is not reused.
            res.destroy();
            finish();
          }
        });
        res.on('end', finish);
        res.on('error', finish);
      });
      req.end(request.body);
    });
}
