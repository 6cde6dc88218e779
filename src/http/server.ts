import type Koa from 'koa';
import { createServer, type Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

const connections = new WeakMap<Server, Set<Socket>>();

/**
 * Connections the kernel holds for us before we accept them (capped by net.core.somaxconn).
 * Node's default of 511 overflowed when 2,000 clients connected at once: the kernel dropped their
 * SYNs, and each waited a second or more to retransmit, which clients saw as timeouts.
 */
const LISTEN_BACKLOG = 4096;

/** An HTTP server for the app that knows its open connections (however they arrived). */
function httpServer(app: Koa<never>): Server {
  // Long SCIM filters travel in the query string; allow more than Node's 16 KiB of headers.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, app.callback());
  server.keepAliveTimeout = 65_000;
  const open = new Set<Socket>();
  connections.set(server, open);
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return server;
}

/** Starts listening; resolves with the bound port. Create it only after every app.use (Koa composes on callback()). */
export function listen(
  app: Koa<never>,
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  const server = httpServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}

/** The message a cluster primary sends with each connection it accepted (see handOffConnections). */
export const CONNECTION_MESSAGE = 'cpd:connection';

/**
 * In a cluster worker: serves the connections the primary hands over instead of listening on the
 * public port. The server still listens, on a private loopback port nobody uses, because Node
 * tracks connections (header and request timeouts, closing idle ones) only on a listening server.
 */
export async function adoptConnections(app: Koa<never>): Promise<Server> {
  const server = httpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve);
  });
  process.on('message', (message: unknown, socket?: Socket) => {
    if (message !== CONNECTION_MESSAGE || !socket) return;
    server.emit('connection', socket);
    socket.resume();
  });
  return server;
}

export interface HandOff {
  /** The bound port (PORT=0 picks one). */
  port: number;
  /** Stops accepting at once: new connections are refused by the kernel, not reset later. */
  close(): void;
}

/**
 * In a cluster primary: accepts connections on the public port and hands each to the next worker
 * (round robin). Node's own cluster round robin closes the port only after every worker has
 * closed its server, and drops (resets) connections accepted meanwhile; here the primary stops
 * accepting first, and every connection it accepted reaches a worker that serves it.
 */
export function handOffConnections(
  port: number,
  host: string,
  workers: () => Array<{ send(message: string, handle: Socket): boolean }>,
): Promise<HandOff> {
  let next = 0;
  const server = new NetServer({ pauseOnConnect: true }, (socket) => {
    const live = workers();
    if (live.length === 0) socket.destroy();
    else live[next++ % live.length]!.send(CONNECTION_MESSAGE, socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // close() stops listening at once; its callback would wait for sockets already handed over.
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () => void server.close(),
      });
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
  const open = connections.get(server) ?? new Set<Socket>();
  // net.Server's close stops accepting without http.Server's immediate closeIdleConnections().
  if (server.listening) NetServer.prototype.close.call(server);
  return new Promise((resolve) => {
    let finished = false;
    let sweep: NodeJS.Timeout | undefined;
    const finish = (clean: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(idle);
      clearInterval(sweep);
      clearInterval(watch);
      resolve(clean);
    };
    const timer = setTimeout(() => {
      server.closeAllConnections();
      for (const socket of open) socket.destroy();
      finish(false);
    }, opts.timeoutMs);
    const idle = setTimeout(() => {
      // Connections that finish a request later become idle too: keep closing them.
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), 100);
    }, grace);
    const watch = setInterval(() => {
      if (open.size === 0) finish(true);
    }, 20);
  });
}

/** Stops accepting connections and waits for in-flight requests, up to `timeoutMs` (tests). */
export async function closeServer(server: Server, timeoutMs: number): Promise<void> {
  await drainServer(server, { timeoutMs, idleGraceMs: 0 });
}
