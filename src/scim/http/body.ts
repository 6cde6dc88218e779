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
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (text.trim() === '')
    throw new ScimError(400, 'invalidSyntax', 'The request body is empty; a JSON object is required.');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ScimError(
      400,
      'invalidSyntax',
      `The request body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

function tooLarge(maxBytes: number): ScimError {
  return new ScimError(413, undefined, `The request body exceeds the limit of ${maxBytes} bytes.`);
}
