import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type Koa from 'koa';

/**
 * The web console (web/, built by Vite into dist/web): GET /console and every path below it get
 * index.html (the app routes in the browser), /console/assets/* the hashed files. It talks only
 * to POST /graphql on the same origin.
 *
 * Content-Security-Policy: scripts, fonts, images and connections only from this origin (no CDN;
 * these machines, and many customers' networks, have no internet). style-src also allows
 * 'unsafe-inline' because Mantine writes its theme's CSS variables and per-component styles into
 * <style> elements at run time; inline styles cannot run code, and script-src stays 'self' only.
 * Referrer-Policy no-referrer: a setup link's secret is in the page's URL and must not leak to
 * any other site through Referer.
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  // Monaco's icon font (the GraphQL IDE).
  '.ttf': 'font/ttf',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

interface Asset {
  type: string;
  body: Buffer;
  /** Whether compressing pays (text). */
  compressible: boolean;
  /** The gzip of body, made on the first request that accepts it. */
  gzip?: Buffer;
}

function load(file: string, type: string): Asset {
  const body = readFileSync(file);
  const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
  return { type, body, compressible };
}

/**
 * Compressed when first asked for, not at start: the GraphQL IDE's chunks (Monaco, its workers)
 * are some 7 MB, whose gzip at level 9 took ~0.7 s of every process's start (and of every test
 * app's), mostly for files few sessions ever load.
 */
function gzipOf(asset: Asset): Buffer | undefined {
  if (!asset.compressible) return undefined;
  asset.gzip ??= gzipSync(asset.body, { level: 9 });
  return asset.gzip;
}

/**
 * The built console: dist/web, found from this module both when compiled (dist/src/http) and
 * when run from source by tests (src/http, then the repository's dist/web).
 */
export function findConsoleBuild(start = __dirname): string | undefined {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const candidates = [path.join(dir, 'dist', 'web')];
    if (path.basename(dir) === 'dist') candidates.unshift(path.join(dir, 'web'));
    for (const candidate of candidates) if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

function send(ctx: Koa.Context, asset: Asset, cacheControl: string): void {
  ctx.set(CONSOLE_HEADERS);
  ctx.set('Cache-Control', cacheControl);
  ctx.vary('Accept-Encoding');
  ctx.type = asset.type;
  const gzip =
    asset.compressible && ctx.acceptsEncodings('gzip', 'identity') === 'gzip' ? gzipOf(asset) : undefined;
  if (gzip) {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = gzip;
  } else ctx.body = asset.body;
}

export interface ConsoleOptions {
  /** The built console; default: found with findConsoleBuild. */
  dir?: string;
  /** Told once when the console has not been built (npm run build builds it). */
  onMissing?: () => void;
}

/** Koa middleware serving the console at /console (and redirecting / to it). */
export function consoleMiddleware(opts: ConsoleOptions = {}): Koa.Middleware {
  const dir = opts.dir ?? findConsoleBuild();
  if (!dir) opts.onMissing?.();
  const index = dir ? load(path.join(dir, 'index.html'), 'text/html; charset=utf-8') : undefined;
  const assets = new Map<string, Asset>();
  const assetDir = dir ? path.join(dir, 'assets') : undefined;
  if (assetDir && existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const file = path.join(assetDir, name);
      if (!statSync(file).isFile()) continue;
      assets.set(name, load(file, TYPES[path.extname(name)] ?? 'application/octet-stream'));
    }
  }
  return async (ctx, next) => {
    if (ctx.path !== '/console' && !ctx.path.startsWith('/console/') && ctx.path !== '/') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/') return ctx.redirect('/console');
    if (ctx.path.startsWith('/console/assets/')) {
      const asset = assets.get(ctx.path.slice('/console/assets/'.length));
      if (!asset) {
        ctx.set(CONSOLE_HEADERS);
        ctx.status = 404;
        ctx.type = 'text/plain';
        ctx.body = 'not found';
        return;
      }
      // The names carry a hash of the content: a changed file is a new name.
      return send(ctx, asset, 'public, max-age=31536000, immutable');
    }
    if (!index) {
      ctx.set(CONSOLE_HEADERS);
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The console has not been built: run npm run build.';
      return;
    }
    // Every console route is the app's: the browser routes it. Revalidated each time, so a deploy
    // is picked up at once (the page names the hashed files of its build).
    send(ctx, index, 'no-cache');
  };
}
