import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';

/**
 * The in-browser GraphQL IDE: a small page served from local files (these machines, and many
 * customers' networks, have no internet, so no CDN). `GET /graphql` from a browser gets the page;
 * its script and style live under `/graphql/ide/`.
 */
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'ide.js': 'text/javascript; charset=utf-8',
  'ide.css': 'text/css; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** Finds the assets next to this module (tests, ts sources) or in the source tree (tsc output does not copy them). */
export function findIdeAssets(start = __dirname): string | undefined {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    for (const candidate of [path.join(dir, 'assets'), path.join(dir, 'src', 'graphql', 'ide', 'assets')]) {
      if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

function wantsHtml(ctx: Koa.Context): boolean {
  // A browser navigation; GraphQL GET requests carry ?query= and accept JSON.
  return (
    ctx.query.query === undefined &&
    (ctx.accepts(['application/json', 'text/html']) as string) === 'text/html'
  );
}

/** Koa middleware serving the IDE; a no-op when disabled or when the assets cannot be found. */
export function ideMiddleware(opts: { enabled: boolean; onMissing?: () => void }): Koa.Middleware {
  const dir = opts.enabled ? findIdeAssets() : undefined;
  if (opts.enabled && !dir) opts.onMissing?.();
  if (!dir) return (_ctx, next) => next();
  const files = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(path.join(dir, name))]));
  const send = (ctx: Koa.Context, name: string) => {
    ctx.set(SECURITY_HEADERS);
    ctx.type = ASSETS[name]!;
    ctx.body = files.get(name);
  };
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/graphql' && wantsHtml(ctx)) return send(ctx, 'index.html');
    const asset = ctx.path.startsWith('/graphql/ide/') ? ctx.path.slice('/graphql/ide/'.length) : undefined;
    if (asset && asset !== 'index.html' && files.has(asset)) return send(ctx, asset);
    return next();
  };
}
