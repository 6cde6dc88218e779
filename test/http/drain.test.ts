import { Agent, request, type IncomingMessage } from 'node:http';
import Koa from 'koa';
import { drainServer, listen } from '../../src/http/server';
import { requestContext } from '../../src/http/request-context';
import { createLogger } from '../../src/http/logger';

/**
 * A drain lets in-flight requests finish, tells keep-alive clients to go (Connection: close on
 * every answer), answers requests that arrive on an open keep-alive connection meanwhile instead
 * of resetting them, and converges: it resolves once every connection is closed.
 */
let draining = false;
const holds: Array<() => void> = [];

async function start() {
  const app = new Koa();
  app.use(requestContext(createLogger('silent'), {} as never, () => draining) as Koa.Middleware);
  app.use(async (ctx) => {
    if (ctx.path === '/slow') await new Promise<void>((resolve) => holds.push(resolve));
    ctx.body = { ok: true };
  });
  const { server, port } = await listen(app as never, 0, '127.0.0.1');
  return { server, port };
}

function get(port: number, path: string, agent: Agent): Promise<IncomingMessage & { text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(Object.assign(res, { text })));
    });
    req.on('error', reject);
    req.end();
  });
}

afterEach(() => {
  draining = false;
});

it('finishes in-flight requests with Connection: close and serves keep-alive requests arriving during the drain', async () => {
  const { server, port } = await start();
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  // Two keep-alive connections: one will carry a slow request, the other sits idle.
  const warm = await Promise.all([get(port, '/fast', agent), get(port, '/fast', agent)]);
  expect(warm.map((r) => r.statusCode)).toEqual([200, 200]);
  const slow = get(port, '/slow', agent);
  await new Promise((r) => setTimeout(r, 50));

  draining = true;
  const drained = drainServer(server, { timeoutMs: 5000, idleGraceMs: 300 });
  // Sent on the idle keep-alive connection after the drain began: answered, then closed.
  const during = await get(port, '/fast', agent);
  expect(during.statusCode).toBe(200);
  expect(during.headers.connection).toBe('close');

  holds.splice(0).forEach((r) => r());
  const finished = await slow;
  expect(finished.statusCode).toBe(200);
  expect(finished.headers.connection).toBe('close');
  expect(await drained).toBe(true);
  expect(server.listening).toBe(false);
  agent.destroy();
});

it('closes idle keep-alive connections after the grace and resolves once all are gone', async () => {
  const { server, port } = await start();
  const agent = new Agent({ keepAlive: true });
  await get(port, '/fast', agent);
  const startedAt = Date.now();
  expect(await drainServer(server, { timeoutMs: 5000, idleGraceMs: 200 })).toBe(true);
  const took = Date.now() - startedAt;
  expect(took).toBeGreaterThanOrEqual(150);
  expect(took).toBeLessThan(2000);
  agent.destroy();
});

it('cuts requests still running at the timeout and says so', async () => {
  const { server, port } = await start();
  const agent = new Agent({ keepAlive: true });
  const stuck = get(port, '/slow', agent).catch((err: Error) => err);
  await new Promise((r) => setTimeout(r, 50));
  expect(await drainServer(server, { timeoutMs: 300, idleGraceMs: 100 })).toBe(false);
  expect(await stuck).toMatchObject({ code: 'ECONNRESET' });
  holds.splice(0).forEach((r) => r());
  agent.destroy();
});
