/**
 * PATCH path parsing. The grammar (attrPath / valuePath [subAttr], RFC 7644 §3.5.2) is the one of
 * the shared filter parser, so this reuses it and only reshapes the result.
 */
import { FilterSyntaxError, parsePathExpression } from '../../../domain/query/filter/parser';
import type { PatchPath } from './types';

/** A path that does not parse or does not fit the target attribute; becomes `invalidPath`. */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/** Parses `members[value eq "x"]`, `emails[type eq "work"].value`, `urn:…:User:manager`; throws PathError. */
export function parsePatchPath(text: string): PatchPath {
  if (text.trim() === '') throw new PathError('the path is empty');
  let parsed;
  try {
    parsed = parsePathExpression(text);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new PathError(err.message);
    throw err;
  }
  const { path, filter, subAttr } = parsed;
  if (path.sub !== undefined && subAttr !== undefined) {
    throw new PathError(`"${text}" names two sub-attributes`);
  }
  const sub = path.sub ?? subAttr;
  return {
    text,
    ...(path.schema !== undefined && { schema: path.schema }),
    attr: path.attr,
    ...(filter !== undefined && { filter }),
    ...(sub !== undefined && { sub }),
  };
}
