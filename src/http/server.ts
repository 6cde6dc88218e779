import type Koa from 'koa';
import { createServer, type Server } from 'node:http';

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

/** Stops accepting connections and waits for in-flight requests, up to `timeoutMs`. */
export function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
