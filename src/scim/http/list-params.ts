import type { ListRequest } from '../../domain/query/list';
import { ScimError } from '../protocol/errors';
import { parseFilter, parseSortBy } from '../../domain/query/filter/parser';
import { parseAttributeList, type ProjectionOptions } from '../protocol/projection';

export const DEFAULT_PAGE_SIZE = 100;

export interface ScimListParams {
  request: ListRequest;
  projection: ProjectionOptions;
  /** RFC 9865 cursor paging was asked for (answer with nextCursor, no startIndex). */
  cursorMode: boolean;
  startIndex: number;
}

/** Case-insensitive lookup of a query or .search body parameter. */
function param(source: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : source[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function text(source: Record<string, unknown>, name: string): string | undefined {
  const v = param(source, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new ScimError(400, 'invalidValue', `"${name}" must be a string.`);
}

function integer(source: Record<string, unknown>, name: string): number | undefined {
  const raw = text(source, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^-?\d{1,9}$/.test(raw.trim()))
    throw new ScimError(400, 'invalidValue', `"${name}" must be an integer, got "${raw}".`);
  return Number(raw);
}

/**
 * An attribute list: a comma-separated string, a repeated query parameter or a .search body's
 * array (RFC 7644 §3.4.3), every entry kept.
 */
function list(source: Record<string, unknown>, name: string): string[] | undefined {
  const key = Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase());
  const raw = key === undefined ? undefined : source[key];
  if (typeof raw === 'string') return parseAttributeList(raw);
  return Array.isArray(raw) ? parseAttributeList(raw.map(String)) : undefined;
}

/**
 * Reads filter, sortBy/sortOrder, startIndex/count, cursor and attributes/excludedAttributes
 * (RFC 7644 §3.4.2, RFC 9865) from query parameters or a .search body. count is capped at
 * maxResults; a negative count means 0 and a startIndex below 1 means 1, as the RFC says.
 */
export function readListParams(source: Record<string, unknown>, maxResults: number): ScimListParams {
  const filterText = text(source, 'filter');
  const sortBy = text(source, 'sortBy');
  const sortOrder = text(source, 'sortOrder');
  if (sortOrder !== undefined && !/^(ascending|descending)$/i.test(sortOrder)) {
    throw new ScimError(
      400,
      'invalidValue',
      `sortOrder must be "ascending" or "descending", got "${sortOrder}".`,
    );
  }
  const count = Math.min(
    Math.max(integer(source, 'count') ?? Math.min(DEFAULT_PAGE_SIZE, maxResults), 0),
    maxResults,
  );
  const startIndex = Math.max(integer(source, 'startIndex') ?? 1, 1);
  const cursor = text(source, 'cursor');
  const request: ListRequest = {
    ...(filterText && filterText.trim() !== '' ? { filter: parseFilter(filterText) } : {}),
    ...(sortBy && sortBy.trim() !== '' ? { sort: parseSortBy(sortBy, sortOrder) } : {}),
    count,
    ...(cursor !== undefined ? { cursor } : { startIndex }),
  };
  return {
    request,
    projection: {
      attributes: list(source, 'attributes'),
      excludedAttributes: list(source, 'excludedAttributes'),
    },
    cursorMode: cursor !== undefined,
    startIndex,
  };
}

/** The ListResponse paging fields for a page: RFC 9865 cursor fields or RFC 7644 index fields. */
export function pageOf(
  params: ScimListParams,
  page: { total: number; nextCursor?: string },
): { totalResults: number; startIndex: number } | { totalResults: number; nextCursor?: string } {
  return params.cursorMode
    ? { totalResults: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }
    : { totalResults: page.total, startIndex: params.startIndex };
}
