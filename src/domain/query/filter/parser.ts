/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) into the shared Filter AST.
 * Precedence: not > and > or; and/or are left-associative. Beyond the RFC it accepts Entra's
 * `emails[type eq "work"].value eq "x"` and the unquoted values of Microsoft's Postman collection.
 */
import type { AttrPath, CompareOp, Filter, Literal, SortSpec } from '../ast';
import { FilterSyntaxError, tokenize, type Token } from './lexer';

export { FilterSyntaxError } from './lexer';

/** A PATCH path or `attributes=` entry: `members[value eq "x"]`, `emails[type eq "work"].value`. */
export interface PathExpression {
  readonly path: AttrPath;
  readonly filter?: Filter;
  /** Sub-attribute after the bracket (`.value`), if any. */
  readonly subAttr?: string;
}

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const NAME = /^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// Deep nesting is never legitimate and would otherwise exhaust the stack here or in the compiler.
const MAX_DEPTH = 32;
// and/or chains are parsed in a loop but build a tree as deep as the chain is long, which every
// consumer (the SQL compiler, PostgreSQL's parser, the PATCH value-filter walkers) walks recursively:
// ~7,000 conditions overflowed the stack (a 500). Clients send a few, at most some hundred ids.
const MAX_CONDITIONS = 1000;

/** Parses a SCIM filter expression; throws FilterSyntaxError. */
export function parseFilter(text: string): Filter {
  const parser = new Parser(text);
  const filter = parser.parseOr(false);
  parser.expectEnd();
  return filter;
}

/** Parses an attribute path (`name.givenName`, `urn:…:User:manager.value`); throws FilterSyntaxError. */
export function parseAttrPath(text: string): AttrPath {
  return toAttrPath(text.trim(), 0);
}

/** Parses a path with an optional value filter and trailing sub-attribute (PATCH `path`, `attributes=`). */
export function parsePathExpression(text: string): PathExpression {
  const parser = new Parser(text);
  const result = parser.parsePathExpression();
  parser.expectEnd();
  return result;
}

/** Parses `sortBy` plus the optional `sortOrder` ("ascending" by default, case-insensitive). */
export function parseSortBy(sortBy: string, sortOrder?: string): SortSpec {
  const order = (sortOrder ?? 'ascending').trim().toLowerCase();
  if (order !== 'ascending' && order !== 'descending') {
    throw new FilterSyntaxError(`Invalid sortOrder "${sortOrder}": expected "ascending" or "descending"`, 0);
  }
  return { path: parseAttrPath(sortBy), descending: order === 'descending' };
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  private conditions = 0;

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  parseOr(inBrackets: boolean): Filter {
    let left = this.parseAnd(inBrackets);
    while (this.peekKeyword('or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(inBrackets) };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') throw this.error(`Unexpected ${describe(token)}`, token);
  }

  parsePathExpression(): PathExpression {
    const token = this.expectWord('an attribute name');
    const path = toAttrPath(token.text, token.pos);
    if (this.peek().kind !== '[') return { path };
    const filter = this.parseBracket(path, token);
    const subToken = this.peek();
    if (subToken.kind !== 'word' || !subToken.text.startsWith('.')) return { path, filter };
    this.next();
    return { path, filter, subAttr: toSubAttr(subToken) };
  }

  private parseAnd(inBrackets: boolean): Filter {
    let left = this.parseUnary(inBrackets);
    while (this.peekKeyword('and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary(inBrackets) };
    }
    return left;
  }

  private parseUnary(inBrackets: boolean): Filter {
    const token = this.peek();
    if (token.kind === '(') {
      this.next();
      return this.nested(() => this.parseGroup(inBrackets, token));
    }
    if (token.kind === 'word' && token.text.toLowerCase() === 'not' && !this.isOperatorAt(this.index + 1)) {
      this.next();
      const open = this.peek();
      if (open.kind !== '(') throw this.error(`Expected "(" after "not"`, open);
      this.next();
      return this.nested(() => ({ kind: 'not', filter: this.parseGroup(inBrackets, open) }));
    }
    return this.parseAttrExp(inBrackets);
  }

  private parseGroup(inBrackets: boolean, open: Token): Filter {
    const inner = this.parseOr(inBrackets);
    const close = this.peek();
    if (close.kind !== ')') {
      throw this.error(`Expected ")" to close "(" at position ${open.pos}, found ${describe(close)}`, close);
    }
    this.next();
    return inner;
  }

  private parseAttrExp(inBrackets: boolean): Filter {
    const attrToken = this.expectWord('an attribute name');
    const path = toAttrPath(attrToken.text, attrToken.pos);
    if (this.peek().kind === '[') {
      if (inBrackets) throw this.error('Nested value paths are not supported', this.peek());
      const filter = this.parseBracket(path, attrToken);
      const subToken = this.peek();
      if (subToken.kind !== 'word' || !subToken.text.startsWith('.'))
        return { kind: 'valuePath', path, filter };
      // Entra: emails[type eq "work"].value eq "x" ≡ emails[type eq "work" and value eq "x"].
      this.next();
      const sub: AttrPath = { attr: toSubAttr(subToken) };
      const condition = this.parseCondition(sub, subToken);
      return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: condition } };
    }
    return this.parseCondition(path, attrToken);
  }

  private parseBracket(path: AttrPath, attrToken: Token): Filter {
    if (path.sub !== undefined)
      throw this.error(`A value filter cannot follow "${attrToken.text}"`, this.peek());
    const open = this.next();
    const filter = this.nested(() => this.parseOr(true));
    const close = this.peek();
    if (close.kind !== ']') {
      throw this.error(`Expected "]" to close "[" at position ${open.pos}, found ${describe(close)}`, close);
    }
    this.next();
    return filter;
  }

  private parseCondition(path: AttrPath, attrToken: Token): Filter {
    this.conditions += 1;
    if (this.conditions > MAX_CONDITIONS) {
      throw this.error(`Filter has more than ${MAX_CONDITIONS} conditions`, attrToken);
    }
    const opToken = this.peek();
    const op = opToken.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (op === 'pr') {
      this.next();
      return { kind: 'present', path };
    }
    if (!COMPARE_OPS.has(op)) {
      throw this.error(`Expected a comparison operator after "${attrToken.text}"`, opToken);
    }
    this.next();
    const value = this.parseValue(opToken);
    return { kind: 'compare', op: op as CompareOp, path, value };
  }

  private parseValue(opToken: Token): Literal {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return token.value ?? '';
    }
    if (token.kind !== 'word') throw this.error(`Expected a value after "${opToken.text}"`, token);
    this.next();
    const lower = token.text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (JSON_NUMBER.test(token.text)) {
      // 1e999 would become Infinity, which neither JSON nor the database can carry.
      const number = Number(token.text);
      if (!Number.isFinite(number)) throw this.error(`Number ${token.text} is out of range`, token);
      return number;
    }
    // Microsoft's Postman collection sends unquoted strings: userName eq Test_User_abc.
    return token.text;
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_DEPTH)
      throw this.error(`Filter is nested more than ${MAX_DEPTH} levels deep`, this.peek());
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private isOperatorAt(index: number): boolean {
    const token = this.tokens[index];
    return (
      token?.kind === 'word' &&
      (COMPARE_OPS.has(token.text.toLowerCase()) || token.text.toLowerCase() === 'pr')
    );
  }

  private peekKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private expectWord(what: string): Token {
    const token = this.peek();
    if (token.kind !== 'word') throw this.error(`Expected ${what}, found ${describe(token)}`, token);
    return this.next();
  }

  private peek(): Token {
    // tokenize() always ends with an eof token and next() never moves past it.
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private error(message: string, token: Token): FilterSyntaxError {
    return new FilterSyntaxError(`${message} at position ${token.pos}`, token.pos);
  }
}

function describe(token: Token): string {
  return token.kind === 'eof' ? 'end of filter' : `"${token.text}"`;
}

/** Splits `[urn ":"] attr ["." sub]`; the URN ends at the last ':' (URNs contain dots, as in "2.0"). */
function toAttrPath(text: string, pos: number): AttrPath {
  const colon = text.lastIndexOf(':');
  const schema = colon >= 0 ? text.slice(0, colon).toLowerCase() : undefined;
  const name = text.slice(colon + 1);
  if (schema !== undefined && !/^urn:[^\s]+$/.test(schema)) {
    throw new FilterSyntaxError(`Invalid schema URN in "${text}" at position ${pos}`, pos);
  }
  const parts = name.split('.');
  const [attr, sub, ...rest] = parts;
  if (attr === undefined || !NAME.test(attr) || (sub !== undefined && !NAME.test(sub)) || rest.length > 0) {
    throw new FilterSyntaxError(`Invalid attribute name "${text}" at position ${pos}`, pos);
  }
  return { ...(schema !== undefined && { schema }), attr, ...(sub !== undefined && { sub }) };
}

function toSubAttr(token: Token): string {
  const name = token.text.slice(1);
  if (!NAME.test(name)) {
    throw new FilterSyntaxError(`Invalid sub-attribute "${token.text}" at position ${token.pos}`, token.pos);
  }
  return name;
}
