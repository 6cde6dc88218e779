import { SCHEMA_LIST_RESPONSE } from './schemas';

/**
 * Where a page sits in the result set.
 * - Index pagination (RFC 7644 §3.4.2.4): `totalResults` and the 1-based `startIndex`.
 * - Cursor pagination (RFC 9865 §2): `nextCursor` on every page but the last (its absence is the
 *   only end-of-results signal), `previousCursor` optionally and never on the first page, no
 *   `startIndex`; `totalResults` may be left out when counting would be too costly.
 */
export type ListPage =
  | { totalResults: number; startIndex: number; nextCursor?: never; previousCursor?: never }
  | { totalResults?: number; startIndex?: never; nextCursor?: string; previousCursor?: string };

/** The ListResponse message (RFC 7644 §3.4.2, RFC 9865 §2). */
export interface ListResponse<T> {
  schemas: [typeof SCHEMA_LIST_RESPONSE];
  totalResults?: number;
  itemsPerPage: number;
  startIndex?: number;
  previousCursor?: string;
  nextCursor?: string;
  Resources: T[];
}

/** Wraps one page of resources; `itemsPerPage` is the number returned, not the requested count. */
export function listResponse<T>(resources: T[], page: ListPage): ListResponse<T> {
  return {
    schemas: [SCHEMA_LIST_RESPONSE],
    ...(page.totalResults !== undefined ? { totalResults: page.totalResults } : {}),
    itemsPerPage: resources.length,
    ...(page.startIndex !== undefined ? { startIndex: page.startIndex } : {}),
    ...(page.previousCursor !== undefined ? { previousCursor: page.previousCursor } : {}),
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
    Resources: resources,
  };
}
