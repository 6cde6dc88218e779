/**
 * Deliveries queued by a request in this process (a test event, a redelivery): the process's own
 * dispatcher looks for work at once instead of at its next poll. Feed events need no such notice:
 * the dispatcher listens for the feed's.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

/** Subscribes; returns the unsubscribe function. */
export function onWebhookQueued(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceWebhookQueued(): void {
  for (const listener of listeners) listener();
}
