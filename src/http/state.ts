import type { DbSession } from '../domain/context';
import type { Logger } from './logger';

/** Per-request state set by the request-context middleware (ctx.state). */
export interface RequestState {
  requestId: string;
  log: Logger;
  /** The database session (shared; see DbSession). */
  em: DbSession;
}
