/**
 * The process's wake-up board for change-feed followers: src/db listens for the notices sent after
 * each request that wrote events (NOTIFY cpd_changes, payload the tenant id; change.announce.ts) and calls
 * wake(); followers of that tenant then read from their own cursors. A notice carries no events,
 * so a lost one costs only latency (followers also look every few seconds).
 */
export interface ChangeHub {
  /** Wakes the followers of a tenant. */
  wake(tenantId: string): void;
  /** Wakes every follower (e.g. after the notice channel was lost and regained). */
  wakeAll(): void;
  /** A tenant's wake count: pass it to wait() so a wake between a read and the wait is not lost. */
  generation(tenantId: string): number;
  /**
   * Resolves when the tenant is woken after `generation` (at once if it already was), after `ms`,
   * or when `signal` aborts.
   */
  wait(tenantId: string, generation: number, ms: number, signal?: AbortSignal): Promise<void>;
  /** Followers waiting now (for metrics and tests). */
  waiting(): number;
}

/** The CPD_CHANGES channel: every transaction that writes events notifies it (a trigger). */
export const CHANGES_CHANNEL = 'cpd_changes';

/** A hub with no followers yet. */
export function createChangeHub(): ChangeHub {
  const generations = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();
  let all = 0;
  const generationOf = (tenantId: string) => (generations.get(tenantId) ?? 0) + all;
  const wakeSet = (set: Set<() => void> | undefined) => {
    if (!set) return;
    for (const resolve of [...set]) resolve();
  };
  return {
    wake(tenantId) {
      generations.set(tenantId, (generations.get(tenantId) ?? 0) + 1);
      wakeSet(waiters.get(tenantId));
    },
    wakeAll() {
      all++;
      for (const set of waiters.values()) wakeSet(set);
    },
    generation: generationOf,
    wait(tenantId, generation, ms, signal) {
      if (generationOf(tenantId) !== generation || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let set = waiters.get(tenantId);
        if (!set) waiters.set(tenantId, (set = new Set()));
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          set.delete(done);
          if (set.size === 0 && waiters.get(tenantId) === set) waiters.delete(tenantId);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
    waiting() {
      let n = 0;
      for (const set of waiters.values()) n += set.size;
      return n;
    },
  };
}
