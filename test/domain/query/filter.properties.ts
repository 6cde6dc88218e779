/**
 * The properties of the filter grammar (src/domain/query/filter) and the filter compiler, shared by
 * the jest property tests (filter.property.test.ts, short runs) and `npm run fuzz` (long runs). The
 * central one: no input makes the parser throw anything but FilterSyntaxError, nor the compiler
 * anything but DomainError INVALID_FILTER, the client errors both transports answer with 400. A
 * TypeError, a RangeError (stack overflow) or any other Error is a bug: it would reach the client as
 * a 500.
 */
import fc from 'fast-check';
import type { AttrPath, Filter, Literal } from '../../../src/domain/query/ast';
import { compileFilter } from '../../../src/domain/query/compile';
import { DomainError } from '../../../src/domain/errors';
import {
  FilterSyntaxError,
  parseAttrPath,
  parseFilter,
  parsePathExpression,
  parseSortBy,
} from '../../../src/domain/query/filter/parser';
import { def, onlyClientErrors, sameJson, type PropertyCase } from '../../fuzz/harness';
import { anyFilterInput, anyText, filterText } from './filter.arbitraries';

const isFilterError = (e: unknown): boolean => e instanceof FilterSyntaxError;
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
