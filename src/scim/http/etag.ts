import type { Context } from 'koa';
import { ScimError } from '../protocol/errors';

/** The version an If-Match header asks for, `undefined` for none or `*`. */
export function ifMatchVersion(ctx: Context): number | undefined {
  const header = ctx.get('if-match').trim();
  if (!header || header === '*') return undefined;
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(header);
  if (!m)
    throw new ScimError(412, undefined, `If-Match "${header}" does not match the resource's current ETag.`);
  return Number(m[1]);
}

/** True when If-None-Match names the current version (answer 304). */
export function notModified(ctx: Context, version: number): boolean {
  const header = ctx.get('if-none-match').trim();
  if (!header) return false;
  return header === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${version}"`);
}

export function setEtag(ctx: Context, version: number): void {
  ctx.set('ETag', `W/"${version}"`);
}
