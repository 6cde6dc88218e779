import { DomainError } from './errors';

/**
 * Keyset paging for the domain's relationship queries (members, a user's groups, groups by size).
 * A cursor names the ordering it belongs to, so one from another list is rejected, not misread.
 */
export interface KeysetPosition {
  /** The sort value of the last row seen (text form), or null when the ordering is by id only. */
  readonly v: string | null;
  readonly id: string;
}

export interface PageRequest {
  /** Page size (0 asks only for the total). */
  readonly first: number;
  /** Cursor of the last item of the previous page. */
  readonly after?: string;
  /** Also count every item (one more aggregate; skipped when the client does not ask for it). */
  readonly withTotal: boolean;
}

export interface Page<T> {
  items: T[];
  cursors: string[];
  hasNext: boolean;
  /** Every item across pages, or null when not requested. */
  total: number | null;
}

/** Encodes a position in ordering `ordering` as an opaque cursor. */
export function encodeKeyset(ordering: string, pos: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ o: ordering, v: pos.v, id: pos.id })).toString('base64url');
}

/** Decodes a cursor made by encodeKeyset for the same ordering; INVALID_CURSOR otherwise. */
export function decodeKeyset(ordering: string, cursor: string): KeysetPosition {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (p.o === ordering && typeof p.id === 'string' && uuid.test(p.id)) {
      if (p.v === null || typeof p.v === 'string') return { v: p.v, id: p.id };
    }
  } catch {
    // fall through
  }
  throw new DomainError(
    'INVALID_CURSOR',
    'The cursor is not valid for this list (it must come from the same field with the same arguments).',
  );
}

/** An empty page (for owners with nothing to list). */
export function emptyPage<T>(withTotal: boolean): Page<T> {
  return { items: [], cursors: [], hasNext: false, total: withTotal ? 0 : null };
}
