import type { DbSession } from '../domain/context';
import type { Logger } from './logger';

/** Per-request state set by the request-context middleware (ctx.state). */
export interface RequestState {
  requestId: string;
  log: Logger;
  /** The database session (shared; see DbSession). */
  em: DbSession;
  /** The tenant the request acts in, once known (for log lines and metrics). */
  tenantId?: string;
  /** Takes a slot for expensive work (set by admission control; absent without it). */
  enterExpensive?: () => Promise<() => void>;
  /** Why the request failed, for 4xx and 5xx answers (logged on the request line, never secrets). */
  errorReason?: string;
  /** Notes a tenant whose change feed this request wrote to (announced when the request ends). */
  noteChange?: (tenantId: string) => void;
}
