/**
 * The properties of the SCIM protocol layer, shared by the jest property tests (short runs) and
 * `npm run fuzz` (long runs). The central one: no input makes the filter parser or the PATCH engine
 * throw anything but the client errors the transport answers with 400 (FilterSyntaxError,
 * ScimError/PatchError, DomainError INVALID_FILTER from the compiler). A TypeError, a RangeError
 * (stack overflow) or any other Error is a bug: it would reach the client as a 500.
 */
import fc from 'fast-check';
import type { AttrPath, Filter, Literal } from '../../src/domain/query/ast';
import { compileFilter } from '../../src/domain/query/compile';
import { DomainError } from '../../src/domain/errors';
import { ScimError } from '../../src/scim/protocol/errors';
import {
  FilterSyntaxError,
  parseAttrPath,
  parseFilter,
  parsePathExpression,
  parseSortBy,
} from '../../src/scim/protocol/filter/parser';
import { applyUserPatch } from '../../src/scim/protocol/patch/apply-user-patch';
import { toGroupCommands, type GroupCommand } from '../../src/scim/protocol/patch/group-patch';
import { parsePatchRequest } from '../../src/scim/protocol/patch/patch-op';
import { scimToUserInput } from '../../src/scim/protocol/user-mapper';
import {
  anyFilterInput,
  anyText,
  attrName,
  caseVariants,
  filterText,
  groupPatchBody,
  PATCH_OP,
  scimUser,
  userPatchBody,
} from './arbitraries';

export interface PropertyCase {
  name: string;
  property: fc.IProperty<unknown>;
}

function def<T>(name: string, arbitrary: fc.Arbitrary<T>, check: (input: T) => void): PropertyCase {
  return { name, property: fc.property(arbitrary, check) as unknown as fc.IProperty<unknown> };
}

/** Rethrows `err` unless `isClientError` accepts it: the original error (and stack) is the report. */
function onlyClientErrors(err: unknown, isClientError: (e: unknown) => boolean): void {
  if (!isClientError(err)) throw err;
}

const isFilterError = (e: unknown): boolean => e instanceof FilterSyntaxError;
const isPatchError = (e: unknown): boolean => e instanceof ScimError && e.status === 400;
const isCompileError = (e: unknown): boolean =>
  e instanceof DomainError && (e.code === 'INVALID_FILTER' || e.code === 'INVALID_INPUT');

/** Parses, or returns undefined when the parser refuses the input (with a FilterSyntaxError). */
function tryParse(text: string): Filter | undefined {
  try {
    return parseFilter(text);
  } catch (err) {
    onlyClientErrors(err, isFilterError);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// A printer for the filter AST (the service has none): the round-trip property's other half.
// ---------------------------------------------------------------------------------------------

function printPath(path: AttrPath): string {
  return `${path.schema !== undefined ? `${path.schema}:` : ''}${path.attr}${path.sub !== undefined ? `.${path.sub}` : ''}`;
}

function printLiteral(value: Literal): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return JSON.stringify(value);
}

/** Prints `filter` so that parseFilter reads back the same tree (and/or are left-associative). */
export function printFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const wrap = (child: Filter, right: boolean): string => {
        const binary = child.kind === 'and' || child.kind === 'or';
        const needs =
          binary &&
          ((filter.kind === 'and' && child.kind === 'or') ||
            (right && child.kind === filter.kind) ||
            (right && filter.kind === 'and'));
        return needs ? `(${printFilter(child)})` : printFilter(child);
      };
      return `${wrap(filter.left, false)} ${filter.kind} ${wrap(filter.right, true)}`;
    }
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'present':
      return `${printPath(filter.path)} pr`;
    case 'compare':
      return `${printPath(filter.path)} ${filter.op} ${printLiteral(filter.value)}`;
    case 'valuePath':
      return `${printPath(filter.path)}[${printFilter(filter.filter)}]`;
    default:
      throw new Error(`The SCIM parser never produces ${filter.kind}`);
  }
}

/** JSON with sorted keys: equal for equal JSON values whatever their prototypes (structuredClone under jest makes objects of another realm). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** The path of the first value in `value` that JSON cannot carry (undefined, NaN, a function…). */
function nonJsonAt(value: unknown, path = '$'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nonJsonAt(value[i], `${path}[${i}]`);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  if (typeof value !== 'object') return path;
  for (const [k, v] of Object.entries(value)) {
    const at = nonJsonAt(v, `${path}.${k}`);
    if (at !== undefined) return at;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Filter properties
// ---------------------------------------------------------------------------------------------

export const FILTER_PROPERTIES: PropertyCase[] = [
  def('parseFilter throws nothing but FilterSyntaxError', anyFilterInput, (text) => {
    tryParse(text);
  }),
  def(
    'parsePathExpression, parseAttrPath and parseSortBy throw nothing but FilterSyntaxError',
    fc.tuple(fc.oneof(anyFilterInput, anyText), fc.option(anyText, { nil: undefined })),
    ([text, order]) => {
      for (const run of [
        () => parsePathExpression(text),
        () => parseAttrPath(text),
        () => parseSortBy(text, order),
      ]) {
        try {
          run();
        } catch (err) {
          onlyClientErrors(err, isFilterError);
        }
      }
    },
  ),
  def(
    'a parsed filter printed back re-parses to the same tree',
    fc.oneof(filterText, anyFilterInput),
    (text) => {
      const ast = tryParse(text);
      if (ast === undefined) return;
      const printed = printFilter(ast);
      let again: Filter;
      try {
        again = parseFilter(printed);
      } catch (err) {
        throw new Error(
          `${JSON.stringify(text)} parsed, but its print ${JSON.stringify(printed)} did not: ${String(err)}`,
        );
      }
      if (!sameJson(ast, again)) throw new Error(`${JSON.stringify(printed)} re-parses to a different tree`);
    },
  ),
  def(
    'a parsed filter compiles to SQL or fails with INVALID_FILTER, for users and groups',
    anyFilterInput,
    (text) => {
      const ast = tryParse(text);
      if (ast === undefined) return;
      for (const kind of ['User', 'Group'] as const) {
        try {
          compileFilter(kind, ast);
        } catch (err) {
          onlyClientErrors(err, isCompileError);
        }
      }
    },
  ),
];

// ---------------------------------------------------------------------------------------------
// PATCH properties
// ---------------------------------------------------------------------------------------------

function primariesPerAttribute(doc: Record<string, unknown>): number {
  let max = 0;
  for (const value of Object.values(doc)) {
    if (!Array.isArray(value)) continue;
    const count = value.filter(
      (e) => typeof e === 'object' && e !== null && (e as { primary?: unknown }).primary === true,
    ).length;
    max = Math.max(max, count);
  }
  return max;
}

function memberValues(commands: GroupCommand[]): unknown[] {
  return commands.flatMap((c) =>
    c.kind === 'addMembers' || c.kind === 'replaceMembers' ? c.members.map((m) => m.value) : [],
  );
}

export const PATCH_PROPERTIES: PropertyCase[] = [
  def(
    'user PATCH (parse, apply, read back) throws nothing but a 400 ScimError and mutates nothing',
    fc.tuple(scimUser, userPatchBody),
    ([user, body]) => {
      const userBefore = fc.stringify(user);
      const bodyBefore = fc.stringify(body);
      let result: Record<string, unknown> | undefined;
      try {
        result = applyUserPatch(user, parsePatchRequest(body));
        scimToUserInput(result);
      } catch (err) {
        onlyClientErrors(err, isPatchError);
      }
      if (fc.stringify(user) !== userBefore)
        throw new Error('applyUserPatch mutated the resource it was given');
      if (fc.stringify(body) !== bodyBefore)
        throw new Error('parsing or applying the PATCH mutated its body');
      if (result === undefined) return;
      if (
        typeof result.userName !== 'string' ||
        result.userName.trim() === '' ||
        typeof result.active !== 'boolean'
      ) {
        throw new Error(`userName and active must survive every PATCH: ${JSON.stringify(result)}`);
      }
      if (primariesPerAttribute(user) <= 1 && primariesPerAttribute(result) > 1) {
        throw new Error(`more than one primary entry: ${JSON.stringify(result)}`);
      }
      const bad = nonJsonAt(result);
      if (bad !== undefined)
        throw new Error(`the patched user is not plain JSON at ${bad}: ${JSON.stringify(result)}`);
    },
  ),
  def(
    'group PATCH throws nothing but a 400 ScimError, mutates nothing, and names members by id',
    fc.tuple(groupPatchBody, fc.option(fc.uuid(), { nil: undefined })),
    ([body, groupId]) => {
      const bodyBefore = fc.stringify(body);
      let commands: GroupCommand[] | undefined;
      try {
        commands = toGroupCommands(parsePatchRequest(body), groupId);
      } catch (err) {
        onlyClientErrors(err, isPatchError);
      }
      if (fc.stringify(body) !== bodyBefore) throw new Error('parsing the PATCH mutated its body');
      for (const value of memberValues(commands ?? [])) {
        if (typeof value !== 'string' || value.trim() === '')
          throw new Error(`a member without an id: ${JSON.stringify(commands)}`);
      }
    },
  ),
];

PATCH_PROPERTIES.push(
  def(
    'removing entries by a sub-attribute no entry has removes nothing',
    fc.tuple(
      scimUser,
      fc.constantFrom('emails', 'phoneNumbers', 'roles', 'addresses').chain(caseVariants),
      attrName,
    ),
    ([user, attr, key]) => {
      const entries = Object.entries(user).find(([k]) => k.toLowerCase() === attr.toLowerCase())?.[1];
      if (
        !Array.isArray(entries) ||
        entries.some((e) => Object.keys(e as object).some((k) => k.toLowerCase() === key.toLowerCase()))
      )
        return;
      const ops = parsePatchRequest({
        schemas: [PATCH_OP],
        Operations: [{ op: 'remove', path: `${attr}[${key} pr]` }],
      });
      const result = applyUserPatch(user, ops);
      const after = Object.entries(result).find(([k]) => k.toLowerCase() === attr.toLowerCase())?.[1];
      if (!sameJson(after, entries)) {
        throw new Error(`remove ${attr}[${key} pr] removed entries that have no ${key}`);
      }
    },
  ),
);

export const ALL_PROPERTIES: PropertyCase[] = [...FILTER_PROPERTIES, ...PATCH_PROPERTIES];
