import type { DirectoryContext } from '../context';
import type { ChangeHub } from './change.hub';
import { changesHeldBack, decodeChangeCursor, feedHead, listChanges } from './change.queries';
import type { ChangeFilter, ChangeRecord, FeedPosition } from './change.types';

export interface FollowOptions extends ChangeFilter {
  /** Start behind this position; without it, at the feed's head (only what becomes readable from now). */
  after?: FeedPosition;
  /** Look again this often without a notice (a lost notice costs at most this much latency). */
  pollMs?: number;
  /** Events read per statement. */
  batch?: number;
}

const HELD_BACK_FIRST_MS = 25;
const HELD_BACK_MAX_MS = 400;

/**
 * Follows a tenant's change feed: yields every event after the start position, in feed order, as
 * it becomes readable, waking on the hub's notices. Reading uses the same rule as listChanges, so
 * a follower that reconnects with the last cursor it got misses nothing. `return()` ends it at
 * once, even while it waits.
 */
export function followChanges(
  ctx: DirectoryContext,
  hub: ChangeHub,
  opts: FollowOptions = {},
): AsyncIterableIterator<ChangeRecord> {
  const pollMs = opts.pollMs ?? 5000;
  const batch = opts.batch ?? 100;
  const stop = new AbortController();
  const buffer: ChangeRecord[] = [];
  let cursor = opts.after;
  let heldBackMs = HELD_BACK_FIRST_MS;

  const fill = async (): Promise<void> => {
    cursor ??= await feedHead(ctx);
    while (!stop.signal.aborted) {
      const generation = hub.generation(ctx.tenantId);
      const page = await listChanges(ctx, { ...opts, first: batch, after: cursor });
      if (page.items.length > 0) {
        buffer.push(...page.items);
        cursor = decodeChangeCursor(page.items[page.items.length - 1]!.cursor);
        heldBackMs = HELD_BACK_FIRST_MS;
        return;
      }
      // Committed events held back behind an older open transaction: no notice will say when it
      // ends, so look again soon (backing off), else sleep until a notice or the poll interval.
      const held = await changesHeldBack(ctx, cursor);
      await hub.wait(ctx.tenantId, generation, held ? heldBackMs : pollMs, stop.signal);
      heldBackMs = held ? Math.min(heldBackMs * 2, HELD_BACK_MAX_MS) : HELD_BACK_FIRST_MS;
    }
  };

  const finished = { value: undefined, done: true } as const;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (buffer.length === 0 && !stop.signal.aborted) await fill();
      const value = buffer.shift();
      if (value === undefined || stop.signal.aborted) return finished;
      return { value, done: false };
    },
    async return() {
      stop.abort();
      buffer.length = 0;
      return finished;
    },
  };
}
