import type Koa from 'koa';
import { createServer, type Server } from 'node:http';
import { Server as NetServer } from 'node:net';

/** Starts listening; resolves with the bound port. Create it only after every app.use (Koa composes on callback()). */
export function listen(
  app: Koa<never>,
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  // Long SCIM filters travel in the query string; allow more than Node's 16 KiB of headers.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, app.callback());
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}

export interface DrainOptions {
  /** Give up waiting for in-flight requests after this long and close what is left. */
  timeoutMs: number;
  /**
   * How long idle keep-alive connections stay open after the drain starts. A client may be writing
   * its next request on one right now; closing it under that request would reset it. Requests that
   * arrive meanwhile are answered with `Connection: close` (see requestContext), so busy
   * connections close themselves after their next answer; the rest are closed after the grace.
   */
  idleGraceMs?: number;
}

/**
 * Stops accepting connections and lets the open ones finish: resolves once every connection has
 * closed, or after `timeoutMs`, when the remaining ones are closed by force. Returns whether it
 * finished before the timeout.
 */
export function drainServer(server: Server, opts: DrainOptions): Promise<boolean> {
  const grace = Math.min(opts.idleGraceMs ?? 1000, opts.timeoutMs / 2);
  return new Promise((resolve) => {
    let finished = false;
    const finish = (clean: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(idle);
      clearInterval(sweep);
      resolve(clean);
    };
    const timer = setTimeout(() => {
      server.closeAllConnections();
      finish(false);
    }, opts.timeoutMs);
    let sweep: NodeJS.Timeout | undefined;
    const idle = setTimeout(() => {
      // Connections that finish a request later become idle too: keep closing them.
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), 100);
    }, grace);
    // net.Server's close stops accepting without http.Server's immediate closeIdleConnections().
    NetServer.prototype.close.call(server, () => finish(true));
  });
}

/** Stops accepting connections and waits for in-flight requests, up to `timeoutMs` (tests). */
export async function closeServer(server: Server, timeoutMs: number): Promise<void> {
  await drainServer(server, { timeoutMs, idleGraceMs: 0 });
}
