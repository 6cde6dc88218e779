/**
 * fast-check generators for the filter grammar (src/domain/query/filter): arbitrary text and
 * grammar-aware inputs (near-valid filters, deep and long shapes, small mutations) so the properties
 * reach the code past the first syntax check. Used by the filter properties
 * (filter.properties.ts, short runs in jest, long runs in `npm run fuzz`) and by the PATCH
 * generators, whose paths carry filters.
 */
import fc from 'fast-check';

export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The spellings clients use: as written, lower, upper, first letter flipped. */
export function caseVariants(text: string): fc.Arbitrary<string> {
  const flipped =
    text.charAt(0) === text.charAt(0).toUpperCase()
      ? text.charAt(0).toLowerCase()
      : text.charAt(0).toUpperCase();
  return fc.constantFrom(text, text.toLowerCase(), text.toUpperCase(), flipped + text.slice(1));
}

export const oneOfWords = (words: readonly string[]): fc.Arbitrary<string> =>
  fc.constantFrom(...words).chain(caseVariants);

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/** Any string: ASCII, full Unicode (lone surrogates included), and the characters filters care about. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom(...'()[]"\\ .:$_-aAeEqQnNoOrRpP0123456789\t\n\u00a0\u2028\u0000') }),
);

const WHITESPACE = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\r\n');

// ---------------------------------------------------------------------------------------------
// Filters (RFC 7644 §3.4.2.2)
// ---------------------------------------------------------------------------------------------

export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;

const KNOWN_ATTRS = [
  'userName',
  'displayName',
  'externalId',
  'id',
  'active',
  'title',
  'userType',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'phoneNumbers.value',
  'addresses.country',
  'roles.value',
  'groups.value',
  'members',
  'members.value',
  'members.display',
  'meta.created',
  'meta.lastModified',
  'meta.version',
  'meta.resourceType',
  `${ENTERPRISE_URN}:manager`,
  `${ENTERPRISE_URN}:manager.value`,
  `${ENTERPRISE_URN}:employeeNumber`,
  `${ENTERPRISE_URN}:department`,
  `${USER_URN}:userName`,
  `${GROUP_URN}:displayName`,
  'x509Certificates.value',
];

/** A name the grammar accepts: ALPHA *(nameChar), or $ref. */
export const attrName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '$ref',
      'not',
      'and',
      'or',
      'pr',
      'eq',
      'true',
      'null',
      'value',
      'type',
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
    ),
  },
);

/** A lower-case schema URN (the parser lower-cases schemas). */
export const schemaUrn: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(USER_URN, GROUP_URN, ENTERPRISE_URN).map((s) => s.toLowerCase()),
  fc
    .array(fc.stringMatching(/^[a-z0-9.]{1,6}$/), { minLength: 1, maxLength: 4 })
    .map((parts) => `urn:${parts.join(':')}`),
);

/** Attribute path text, valid or nearly so. */
export const attrPathText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_ATTRS).chain(caseVariants) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(attrName, fc.option(attrName, { nil: undefined }))
      .map(([a, s]) => (s ? `${a}.${s}` : a)),
  },
  { weight: 1, arbitrary: fc.tuple(schemaUrn, attrName).map(([u, a]) => `${u}:${a}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1abc',
      'a..b',
      'a.b.c',
      'urn:',
      ':x',
      'urn:x:',
      '.value',
      'a.',
      '_x',
      'urn :x:y',
      'emails.',
      'x:y',
    ),
  },
);

/** Value text: JSON strings (with escapes), numbers, keywords, bare words, and broken literals. */
export const valueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string().map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: oneOfWords(['true', 'false', 'null']) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true })).map((n) => JSON.stringify(n)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1e999',
      '-1e999',
      '-0',
      '01',
      '0x10',
      '1.',
      '.5',
      'NaN',
      'Infinity',
      '"unterminated',
      '"bad \\x escape"',
      '"\\u00"',
      '"\\uD800"',
      '"tab\there"',
      '"a\\"b"',
      '"\\\\"',
      '""',
      'Test_User_abc',
      'a.b-c@x.com',
      '"W/\\"1\\""',
    ),
  },
);

const opText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: oneOfWords(COMPARE_OPS) },
  { weight: 1, arbitrary: fc.constantFrom('xx', '=', '==', 'in', 'like', 'and', 'not') },
);

/** A filter that is valid or one small step from valid, with deep and long shapes mixed in. */
export const filterText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(attrPathText, opText, valueText).map(([a, o, v]) => `${a} ${o} ${v}`),
    fc.tuple(attrPathText, caseVariants('pr')).map(([a, p]) => `${a} ${p}`),
    fc
      .tuple(
        fc.constantFrom('emails', 'members', 'addresses', 'roles', 'phoneNumbers', 'x'),
        tie('expr'),
        fc.option(fc.constantFrom('.value', '.type', '.display', '.', '.1x'), { nil: '' }),
        fc.option(fc.tuple(opText, valueText), { nil: undefined }),
      )
      .map(([a, f, sub, cond]) => `${a}[${f}]${sub}${sub && cond ? ` ${cond[0]} ${cond[1]}` : ''}`),
    fc.tuple(tie('expr'), oneOfWords(['and', 'or']), tie('expr')).map(([l, k, r]) => `${l} ${k} ${r}`),
    tie('expr').map((e) => `(${e})`),
    fc
      .tuple(caseVariants('not'), tie('expr'), fc.constantFrom(' ', ''))
      .map(([n, e, sp]) => `${n}${sp}(${e})`),
  ),
})).expr;

/** Shapes that stress nesting and length rather than grammar. */
export const extremeFilterText: fc.Arbitrary<string> = fc
  .tuple(fc.nat({ max: 5_000 }), fc.nat({ max: 40 }), fc.nat({ max: 8 }))
  .map(([n, small, kind]) => {
    switch (kind) {
      case 0:
        return `${'('.repeat(n)}userName pr${')'.repeat(n)}`;
      case 1:
        return Array.from({ length: n + 1 }, (_, i) => `userName eq "u${i}"`).join(' or ');
      case 2:
        return Array.from({ length: n + 1 }, () => 'title pr').join(' and ');
      case 3:
        return `${'not ('.repeat(small)}active eq true${')'.repeat(small)}`;
      case 4:
        return `emails[${'('.repeat(small)}type eq "work"${')'.repeat(small)}]`;
      case 5:
        return `members[${Array.from({ length: n + 1 }, (_, i) => `value eq "m${i}"`).join(' or ')}]`;
      case 6:
        return `userName eq "${'x'.repeat(n)}"`;
      case 7:
        return '('.repeat(n);
      default:
        return `emails[${'emails['.repeat(small)}`;
    }
  });

/** Small edits of a filter: drop, insert or duplicate a piece, change the spacing, truncate. */
export function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(
    fc.nat(),
    fc.nat({ max: 5 }),
    fc.constantFrom('(', ')', '[', ']', '"', '\\', ' ', '.', ':', 'and ', ' or', 'not', 'eq', 'pr', '\u0000'),
  );
  return fc.tuple(text, fc.array(edit, { maxLength: 3 }), WHITESPACE).map(([base, edits, ws]) => {
    let s = base;
    for (const [at, kind, piece] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (kind === 0) s = s.slice(0, i) + s.slice(i + 1);
      else if (kind === 1) s = s.slice(0, i) + piece + s.slice(i);
      else if (kind === 2) s = s.slice(0, i);
      else if (kind === 3) s = s.replaceAll(' ', ws);
      else if (kind === 4) s = s.slice(0, i) + s.slice(i, i + 8) + s.slice(i);
      else s = s.replace(/ /g, '');
    }
    return s;
  });
}

/** Everything the filter properties feed the parser. */
export const anyFilterInput: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: anyText },
  { weight: 4, arbitrary: filterText },
  { weight: 3, arbitrary: mutated(filterText) },
  { weight: 1, arbitrary: extremeFilterText },
);
