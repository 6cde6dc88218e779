import { get } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Koa from 'koa';
import { consoleMiddleware } from '../../src/http/console';

// A stand-in for dist/web: index.html and one hashed asset.
const dir = mkdtempSync(path.join(tmpdir(), 'cpd-console-'));
const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
mkdirSync(path.join(dir, 'assets'));
writeFileSync(
  path.join(dir, 'index.html'),
  '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>',
);
writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), script);

let server: ReturnType<Koa['listen']>;
let base = '';

beforeAll(async () => {
  const app = new Koa();
  app.use(consoleMiddleware({ dir }));
  app.use((ctx) => {
    ctx.body = 'next';
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the console at /console', () => {
  it.each([
    '/console',
    '/console/',
    '/console/tenants',
    '/console/t/abc/settings/provisioning',
    '/console/setup/s3cret',
  ])('answers %s with index.html, revalidated each time, under a strict CSP', async (p) => {
    const res = await fetch(`${base}${p}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('/console/assets/index-abc123.js');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves hashed assets cached for a year, gzipped when the client accepts it', async () => {
    const plain = await fetch(`${base}/console/assets/index-abc123.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await plain.text()).toBe(script);

    const gz = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      // fetch decompresses on its own; node:http shows the bytes as sent.
      get(`${base}/console/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
        );
      }).on('error', reject);
    });
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(script);
  });

  it('answers an unknown asset 404 rather than the page', async () => {
    const res = await fetch(`${base}/console/assets/nope-123.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends / to /console and leaves every other path to the next middleware', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console');
    expect(await (await fetch(`${base}/consoles`)).text()).toBe('next');
    expect(await (await fetch(`${base}/console/x`, { method: 'POST' })).text()).toBe('next');
  });
});
