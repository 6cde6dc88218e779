/**
 * A per-tenant cap on expensive GraphQL operations running at once in this process, so one
 * tenant's key cannot take the whole database pool with a few large queries while other tenants
 * wait. An operation is expensive when its estimated cost (limits.ts) is above a threshold; it
 * takes a slot of its tenant (the operator counts as one tenant, 'operator') before any resolver
 * runs and gives it back when its response is sent or the request fails. Over the cap it is
 * refused with TOO_MANY_REQUESTS (HTTP 429, Retry-After).
 */
import type { GraphQLContext } from './context';

/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

export interface TenantSlots {
  /** A slot for `key`, or undefined when `key` already holds `perTenant` slots. */
  tryAcquire(key: string): Release | undefined;
  /** Slots `key` holds now (for tests and metrics). */
  inUse(key: string): number;
  /** Slots held across every key. */
  total(): number;
}

export function createTenantSlots(perTenant: number): TenantSlots {
  const held = new Map<string, number>();
  return {
    tryAcquire(key) {
      const n = held.get(key) ?? 0;
      if (n >= perTenant) return undefined;
      held.set(key, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (held.get(key) ?? 1) - 1;
        if (left > 0) held.set(key, left);
        else held.delete(key);
      };
    },
    inUse: (key) => held.get(key) ?? 0,
    total: () => {
      let sum = 0;
      for (const n of held.values()) sum += n;
      return sum;
    },
  };
}

/** Whose slots an operation takes: the principal's tenant, 'operator', or 'anonymous'. */
export function slotKeyOf(ctx: GraphQLContext): string {
  if (ctx.auth.status !== 'authenticated') return 'anonymous';
  const p = ctx.auth.principal;
  return p.kind === 'operator' ? 'operator' : p.tenantId;
}

// The slots a request holds, by its GraphQL context: given back when the response is sent
// (server.ts) and, should a path skip that, when the HTTP request ends (http/graphql.ts).
const heldByRequest = new WeakMap<object, Release[]>();

/** Remembers that the request owning `ctx` holds `release`. */
export function holdSlot(ctx: object, release: Release): void {
  const list = heldByRequest.get(ctx);
  if (list) list.push(release);
  else heldByRequest.set(ctx, [release]);
}

/** Gives back every slot the request owning `ctx` holds (idempotent). */
export function releaseSlots(ctx: object): void {
  const list = heldByRequest.get(ctx);
  if (!list) return;
  heldByRequest.delete(ctx);
  for (const release of list) release();
}
