/**
 * Tokeniser for SCIM filter expressions (RFC 7644 §3.4.2.2). Deliberately permissive about what a
 * bare word may contain: Microsoft's Postman collection sends unquoted values such as
 * `userName eq Test_User_abc` or `a.b-c@x.com`, so a word runs until whitespace, a bracket, a
 * parenthesis or a quote, and the parser decides whether it is an attribute, an operator or a value.
 */

export type TokenKind = 'word' | 'string' | '(' | ')' | '[' | ']' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for strings: including the quotes). */
  readonly text: string;
  /** Decoded value of a string token. */
  readonly value?: string;
  /** 0-based offset of the token's first character in the filter text. */
  readonly pos: number;
}

/** A malformed filter; `message` names the problem and its 0-based position. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const PUNCTUATION = new Set(['(', ')', '[', ']']);
const WHITESPACE = /\s/;

/** Splits a filter into tokens, decoding JSON string literals; throws FilterSyntaxError. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (WHITESPACE.test(ch)) {
      i += 1;
    } else if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: ch as TokenKind, text: ch, pos: i });
      i += 1;
    } else if (ch === '"') {
      const token = readString(text, i);
      tokens.push(token);
      i += token.text.length;
    } else {
      const start = i;
      while (i < text.length && !isWordEnd(text.charAt(i))) i += 1;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: text.length });
  return tokens;
}

function isWordEnd(ch: string): boolean {
  return ch === '"' || PUNCTUATION.has(ch) || WHITESPACE.test(ch);
}

/** Reads a JSON string literal starting at `start` (the opening quote). */
function readString(text: string, start: number): Token {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === '\\') {
      i += 2;
    } else if (ch === '"') {
      const raw = text.slice(start, i + 1);
      return { kind: 'string', text: raw, value: decodeJsonString(raw, start), pos: start };
    } else {
      i += 1;
    }
  }
  throw new FilterSyntaxError(`Unterminated string starting at position ${start}`, start);
}

function decodeJsonString(raw: string, pos: number): string {
  try {
    // JSON.parse gives exactly the RFC 8259 escapes (\" \\ \/ \b \f \n \r \t \uXXXX) the RFC asks for.
    return JSON.parse(raw) as string;
  } catch {
    throw new FilterSyntaxError(`Invalid string literal ${raw} at position ${pos}`, pos);
  }
}
