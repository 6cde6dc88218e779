import http from 'node:http';

/**
 * The fault suite's HTTP client. Unlike bench/http-client.ts it keeps one keep-alive socket per
 * simulated client (its own agent), has a client timeout, exposes the response headers
 * (Retry-After, Connection) and classifies failures: a reset (ECONNRESET, EPIPE, "socket hang
 * up"), a refused connection, a client timeout, or another socket error. It never throws.
 */
export type Outcome =
  | {
      kind: 'response';
      status: number;
      headers: http.IncomingHttpHeaders;
      body: string;
      ms: number;
      /** performance.now() when the request was sent and when the answer was complete. */
      start: number;
      end: number;
      reusedSocket: boolean;
    }
  | {
      kind: 'reset' | 'refused' | 'timeout' | 'error';
      code: string;
      ms: number;
      start: number;
      end: number;
      reusedSocket: boolean;
    };

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Client timeout in ms: the client gives up (destroys the socket) after it. */
  timeoutMs?: number;
  agent?: http.Agent;
}

export function newAgent(maxSockets = 1): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'HPE_INVALID_CONSTANT']);

export function request(url: string, init: RequestInit = {}): Promise<Outcome> {
  const u = new URL(url);
  const start = performance.now();
  return new Promise((resolve) => {
    let done = false;
    let timedOut = false;
    let reused = false;
    /** The answer's head, once it arrived: an error after it (EPIPE while the body was still
     * being written, the server closing) still leaves the client with this status. */
    let head: { status: number; headers: http.IncomingHttpHeaders; chunks: Buffer[] } | undefined;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const fail = (err: NodeJS.ErrnoException) => {
      const end = performance.now();
      if (head && !timedOut) {
        finish({
          kind: 'response',
          status: head.status,
          headers: head.headers,
          body: Buffer.concat(head.chunks).toString('utf8'),
          ms: end - start,
          start,
          end,
          reusedSocket: reused,
        });
        return;
      }
      const code = timedOut ? 'TIMEOUT' : (err.code ?? err.message);
      const kind = timedOut
        ? 'timeout'
        : code === 'ECONNREFUSED'
          ? 'refused'
          : RESET_CODES.has(code) || /hang up|reset/i.test(err.message)
            ? 'reset'
            : 'error';
      finish({ kind, code, ms: end - start, start, end, reusedSocket: reused });
    };
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: init.method ?? 'GET',
        headers: {
          ...(init.headers ?? {}),
          ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}),
        },
        agent: init.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        head = { status: res.statusCode ?? 0, headers: res.headers, chunks };
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const end = performance.now();
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: end - start,
            start,
            end,
            reusedSocket: reused,
          });
        });
        res.on('error', fail);
        res.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      },
    );
    req.on('socket', () => {
      reused = req.reusedSocket;
    });
    req.on('error', fail);
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('client timeout'));
    }, init.timeoutMs ?? 30_000);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
