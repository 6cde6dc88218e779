/** Who made a change, as the change feed names them. */
export interface ChangeActor {
  /** operator, scim, apiKey, jwt, session or system. */
  kind: string;
  /** The credential id, JWT subject, console session id, or "operator". */
  id: string;
  /** The SCIM token's or API key's name ("console session", "operator"), when known. */
  name: string | null;
}

/** One event of a tenant's change feed (docs/changes.md). */
export interface ChangeRecord {
  /** The event's id (unique, not an order: the feed is ordered by cursor). */
  id: string;
  /** user.created, group.member_added, scim_token.revoked … */
  type: string;
  occurredAt: Date;
  actor: ChangeActor;
  requestId: string | null;
  subject: { type: string; id: string };
  /** The subject's state after the change (its last state, for a deletion). */
  data: Record<string, unknown> | null;
  /** For updates: `{ "<field>": { "old": …, "new": … } }`. */
  changes: Record<string, unknown> | null;
  /** Where this event is in the feed: pass it as `after` to continue behind it. */
  cursor: string;
}

/** A position in a tenant's feed: the writing transaction's id and the event id. */
export interface FeedPosition {
  readonly txid: string;
  readonly id: string;
}

/** What a reader asks of the feed. */
export interface ChangeFilter {
  /** Only these event types (all when absent). */
  readonly types?: readonly string[];
  /** Only events whose subject has this id. */
  readonly subjectId?: string;
}
