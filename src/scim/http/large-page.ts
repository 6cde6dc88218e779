import type { Context } from 'koa';
import type { ScimState } from './scim-state';
import { SCIM_CONTENT_TYPE } from './respond';
import type { ListResponse } from '../protocol/list-response';

/** Pages with more resources than this are expensive work (see admission control). */
export const LARGE_PAGE = 100;
/** Resources mapped or serialised between two turns of the event loop. */
const SLICE = 200;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `work` holding one of the process's few slots for expensive work when `large`: a page of
 * 1,000 users is tens of milliseconds of synchronous parsing, mapping and serialising, and fifty of
 * them at once held /healthz for half a second.
 */
export async function asExpensive<T>(
  ctx: Context & { state: ScimState },
  large: boolean,
  work: () => Promise<T>,
): Promise<T> {
  const release = large ? await ctx.state.enterExpensive?.() : undefined;
  try {
    return await work();
  } finally {
    release?.();
  }
}

/** Maps `items` in slices, yielding to the event loop between them. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  if (items.length <= SLICE) return items.map(fn);
  const out: R[] = [];
  for (let i = 0; i < items.length; i += SLICE) {
    if (i > 0) await turn();
    for (const item of items.slice(i, i + SLICE)) out.push(fn(item));
  }
  return out;
}

/**
 * Sends a ListResponse, serialising its Resources in slices with a turn of the event loop between
 * them; the envelope keeps its key order.
 */
export async function sendListResponse(ctx: Context, body: ListResponse<unknown>): Promise<void> {
  const resources = body.Resources;
  let text: string;
  if (resources.length <= SLICE) {
    text = JSON.stringify(body);
  } else {
    const parts: string[] = [];
    for (let i = 0; i < resources.length; i += SLICE) {
      if (i > 0) await turn();
      parts.push(JSON.stringify(resources.slice(i, i + SLICE)).slice(1, -1));
    }
    // The marker cannot occur in stored data: NUL is refused at the edge.
    const marker = '\u0000resources\u0000';
    const list = `[${parts.join(',')}]`;
    text = JSON.stringify({ ...body, Resources: marker }).replace(JSON.stringify(marker), () => list);
  }
  ctx.status = 200;
  ctx.body = text;
  ctx.type = SCIM_CONTENT_TYPE;
}
