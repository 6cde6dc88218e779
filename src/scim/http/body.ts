import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { ScimError } from '../protocol/errors';

/**
 * Reads and parses a SCIM request body with a size limit. Accepts application/scim+json (any
 * charset), application/json, or no Content-Type at all (some Entra probes send none).
 */
export async function readJsonBody(ctx: Context, maxBytes: number): Promise<unknown> {
  const type = (ctx.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'application/scim+json' && type !== 'application/json' && !type.endsWith('+json')) {
    throw new ScimError(
      415,
      'invalidSyntax',
      `Unsupported Content-Type "${type}": send application/scim+json or application/json.`,
    );
  }
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > maxBytes) {
    // Answering while the client still uploads makes it see a broken pipe, not the 413: take in
    // (and drop) a moderately oversized body first; past that, answer and close the connection.
    if (declared <= maxBytes * DRAIN_FACTOR) await drain(ctx.req);
    else ctx.set('Connection', 'close');
    throw tooLarge(maxBytes);
  }
  const text = decodeUtf8(await readRaw(ctx.req, maxBytes)).replace(/^\uFEFF/, '');
  if (text.trim() === '')
    throw new ScimError(400, 'invalidSyntax', 'The request body is empty; a JSON object is required.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ScimError(
      400,
      'invalidSyntax',
      `The request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  const nul = findNul(parsed);
  if (nul !== undefined) {
    throw new ScimError(
      400,
      'invalidValue',
      `${nul || 'The body'} contains the NUL character (\\u0000), which cannot be stored: remove it.`,
    );
  }
  return parsed;
}

/**
 * The raw body, failing with 413 past `maxBytes` (the rest of the upload is drained, not read).
 * Stream events rather than `for await`: the async iterator costs more than the JSON it carries.
 */
function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // No Content-Length (chunked): drop the rest as it comes, answer once it has arrived.
        req.off('data', onData);
        drain(req).then(
          () => reject(tooLarge(maxBytes)),
          () => reject(tooLarge(maxBytes)),
        );
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size <= maxBytes) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.once('error', reject);
  });
}

/** Oversized bodies up to this multiple of the limit are read to the end (and dropped) before the 413. */
const DRAIN_FACTOR = 4;
/** Longest wait for an oversized upload to finish before answering anyway. */
const DRAIN_TIMEOUT_MS = 10_000;

/** Reads the rest of a request body and discards it; resolves when it ends (or fails, or takes too long). */
function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) return resolve();
    const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
    req.resume();
  });
}

/** Reads a POST …/.search body: a JSON object of search parameters (RFC 7644 §3.4.3). */
export async function readSearchBody(ctx: Context, maxBytes: number): Promise<Record<string, unknown>> {
  const body = await readJsonBody(ctx, maxBytes);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ScimError(
      400,
      'invalidSyntax',
      'A search body must be a JSON object such as {"filter": "userName eq \\"x\\"", "count": 10}.',
    );
  }
  return body as Record<string, unknown>;
}

/** No SCIM body is nested this deep (a PATCH with an extension value is 5 levels); deeper is hostile. */
export const MAX_BODY_DEPTH = 64;

type Pending = { value: unknown; path: string; depth: number } | { key: string; path: string };

/**
 * One pass over a parsed body, iterative so that no nesting can overflow the stack: throws 400
 * invalidSyntax for a body nested deeper than MAX_BODY_DEPTH (so the recursive walks after it —
 * PATCH values, projection, the provisioning log — never see one), and returns the path of the
 * first string (key or value, depth-first in document order) holding U+0000, which PostgreSQL
 * text and jsonb cannot store; undefined when there is none.
 */
export function findNul(body: unknown): string | undefined {
  const stack: Pending[] = [{ value: body, path: '', depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if ('key' in item) {
      if (item.key.includes('\u0000')) return item.path;
      continue;
    }
    const { value, path, depth } = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      throw new ScimError(
        400,
        'invalidSyntax',
        `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`,
      );
    }
    // Pushed in reverse so they pop in document order; a key is checked before its value.
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, v] = entries[i]!;
      const at = path ? `${path}.${key}` : key;
      stack.push({ value: v, path: at, depth: depth + 1 });
      stack.push({ key, path: at });
    }
  }
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * JSON is UTF-8 (RFC 8259 §8.1). Bytes that are not were silently replaced by U+FFFD, so a user
 * could be stored under a name its sender never wrote; they are refused instead.
 */
function decodeUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new ScimError(400, 'invalidSyntax', 'The request body is not valid UTF-8.');
  }
}

function tooLarge(maxBytes: number): ScimError {
  return new ScimError(413, undefined, `The request body exceeds the limit of ${maxBytes} bytes.`);
}
