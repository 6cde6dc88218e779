import { SCHEMA_ERROR } from './schemas';

/**
 * The `scimType` keywords of RFC 7644 §3.12, plus the three RFC 9865 §3 adds for cursor pagination
 * (we advertise cursor support, so the list handler needs them).
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

/** The JSON body of every SCIM error response (RFC 7644 §3.12); `status` is a string. */
export interface ScimErrorBody {
  schemas: [typeof SCHEMA_ERROR];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/**
 * A failure the SCIM transport answers with `status` and an error body. `detail` is shown verbatim
 * in the customer's Entra provisioning logs, so it must say what to fix.
 */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    /** For 429 and 503: how long the client should wait (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export function isScimError(e: unknown): e is ScimError {
  return e instanceof ScimError;
}

/** The RFC 7644 §3.12 error body for `err`, keys in RFC order (schemas, status, scimType, detail). */
export function toErrorBody(err: ScimError): ScimErrorBody {
  return {
    schemas: [SCHEMA_ERROR],
    status: String(err.status),
    ...(err.scimType !== undefined ? { scimType: err.scimType } : {}),
    detail: err.detail,
  };
}
