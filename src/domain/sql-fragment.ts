/**
 * SQL fragments (ADR 0008): SQL text and the values bound to it, kept together so a placeholder can
 * never drift from its value.
 *
 *   sql`select * from "group" where tenant_id = ${tenantId} and id = ${id}`
 *
 * An interpolated value becomes a bound parameter (`$1`, `$2` … numbered when the statement is
 * rendered); an interpolated fragment is spliced in, its values renumbered in place. Nothing else
 * reaches the SQL text: names go through `sql.identifier`, and text we wrote ourselves that is not
 * a template literal (the attribute registry's column expressions) through `sql.raw`.
 *
 * Fragments are flattened as they are built (text pieces and values side by side), so rendering is
 * one pass of string concatenation: no parsing, no regular expression over the text.
 */

/** A value bound as a statement parameter. Objects go through json(), lists through pgArray(). */
export type SqlValue = string | number | boolean | bigint | Date | null;

/** SQL text with its bound values. Made only by the `sql` tag, sql.raw, sql.identifier and sql.join. */
export class SqlFragment {
  /** Makes the type nominal: an object with pieces and values is not a fragment. */
  declare private readonly fragmentBrand: never;

  protected constructor(
    /** The text around the values: always one piece more than there are values. */
    readonly pieces: readonly string[],
    /** The bound values, in the order their placeholders appear. */
    readonly values: readonly SqlValue[],
  ) {}
}

/** A quoted SQL name (table, column, alias): a fragment, but a fragment is not an identifier. */
export class SqlIdentifier extends SqlFragment {
  declare private readonly identifierBrand: never;
}

class Fragment extends SqlFragment {
  constructor(pieces: readonly string[], values: readonly SqlValue[]) {
    super(pieces, values);
  }
}

class Identifier extends SqlIdentifier {
  constructor(text: string) {
    super([text], []);
  }
}

/** A statement as PostgreSQL receives it: `$n` placeholders and their values. */
export interface RenderedSql {
  readonly text: string;
  readonly values: SqlValue[];
}

function checkValue(value: unknown): void {
  if (value === undefined) throw new TypeError('undefined cannot be bound as an SQL value (use null)');
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    throw new TypeError(
      'Only scalars can be bound as SQL values: encode objects with json(), lists with pgArray()',
    );
  }
}

/** Appends `fragment` to the pieces and values being built (the last piece is still open). */
function splice(pieces: string[], values: SqlValue[], fragment: SqlFragment): void {
  const n = fragment.values.length;
  pieces[pieces.length - 1] += fragment.pieces[0]!;
  for (let i = 0; i < n; i++) {
    values.push(fragment.values[i]!);
    pieces.push(fragment.pieces[i + 1]!);
  }
}

/** The tag: template text is SQL, `${value}` is a bound parameter, `${fragment}` is spliced in. */
function template(
  strings: TemplateStringsArray,
  ...params: readonly (SqlValue | SqlFragment)[]
): SqlFragment {
  const pieces = [strings[0]!];
  const values: SqlValue[] = [];
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    if (param instanceof SqlFragment) {
      splice(pieces, values, param);
    } else {
      checkValue(param);
      values.push(param as SqlValue);
      pieces.push('');
    }
    pieces[pieces.length - 1] += strings[i + 1]!;
  }
  return new Fragment(pieces, values);
}

/**
 * SQL text that is not a template literal but was written in this repository (the attribute
 * registry's column expressions, the alias of a resource). Never for anything that came from a
 * request, a database row or configuration: those are values. Must not contain `$n` placeholders.
 */
function raw(text: string): SqlFragment {
  return new Fragment([text], []);
}

/** A name, double-quoted (so any spelling is safe); several names make a qualified one. */
function identifier(...names: readonly [string, ...string[]]): SqlIdentifier {
  const quoted = names.map((name) => {
    if (name === '' || name.includes('\u0000'))
      throw new TypeError(`Not an SQL identifier: ${JSON.stringify(name)}`);
    return `"${name.includes('"') ? name.replace(/"/g, '""') : name}"`;
  });
  return new Identifier(quoted.join('.'));
}

/** The fragments one after another with `separator` between them (the empty fragment for none). */
function join(fragments: readonly SqlFragment[], separator: SqlFragment): SqlFragment {
  if (fragments.length === 1) return fragments[0]!;
  const pieces = [''];
  const values: SqlValue[] = [];
  for (let i = 0; i < fragments.length; i++) {
    if (i > 0) splice(pieces, values, separator);
    splice(pieces, values, fragments[i]!);
  }
  return new Fragment(pieces, values);
}

const EMPTY: SqlFragment = raw('');

/**
 * The SQL tag and its helpers: `sql.identifier(name)`, `sql.raw(trustedText)`,
 * `sql.join(fragments, separator)`, `sql.empty`.
 */
export const sql = Object.assign(template, { raw, identifier, join, empty: EMPTY });

/** Numbers the placeholders `$1`, `$2` … in order: the text and values to send to PostgreSQL. */
export function render(fragment: SqlFragment): RenderedSql {
  const { pieces } = fragment;
  let text = pieces[0]!;
  for (let i = 1; i < pieces.length; i++) text += `$${i}${pieces[i]!}`;
  return { text, values: fragment.values as SqlValue[] };
}
