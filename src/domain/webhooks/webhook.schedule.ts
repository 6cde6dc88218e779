const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Waits before each retry (docs/changes.md, "Retries"): the Standard Webhooks schedule (5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after an immediate first attempt, ≈ 27.6 h), extended by
 * three 15 h waits to about 3 days (72 h 35 min), so the last attempt falls after the 3-day mark
 * at which a continuously failing endpoint is disabled. 11 attempts in all.
 */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  15 * HOUR,
  15 * HOUR,
  15 * HOUR,
];

/** An endpoint none of whose attempts succeeded for this long is disabled. */
export const WEBHOOK_DISABLE_AFTER_MS = 3 * 24 * HOUR;

/** The longest Retry-After honoured; a receiver asking for more is tried again after this. */
export const WEBHOOK_RETRY_AFTER_CAP_MS = HOUR;

/**
 * A Retry-After header in milliseconds from `now`: delta-seconds or an HTTP date; undefined when
 * absent or unreadable. Never negative.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * SECOND;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * When to try a failed delivery again after its `attempts`-th attempt, or null when that was its
 * last. Retry-After (capped) is honoured when it asks for longer than the schedule would wait.
 */
export function nextRetryDelay(
  attempts: number,
  retryAfterMs: number | undefined,
  delays: readonly number[],
  retryAfterCapMs: number,
): number | null {
  const scheduled = delays[attempts - 1];
  if (scheduled === undefined) return null;
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, retryAfterCapMs));
}
