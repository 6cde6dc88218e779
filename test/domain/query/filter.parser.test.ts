import type { Filter } from '../../../src/domain/query/ast';
import {
  FilterSyntaxError,
  parseAttrPath,
  parseFilter,
  parsePathExpression,
  parseSortBy,
} from '../../../src/domain/query/filter/parser';
import fixtures from './fixtures/parser.json';

interface Fixtures {
  valid: { input: string; expected: Filter }[];
  errors: { input: string; error: string }[];
}

const { valid, errors } = fixtures as unknown as Fixtures;

describe('parseFilter', () => {
  it.each(valid)('parses $input', ({ input, expected }) => {
    expect(parseFilter(input)).toStrictEqual(expected);
  });

  it.each(errors)('rejects $input', ({ input, error }) => {
    let thrown: unknown;
    try {
      parseFilter(input);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FilterSyntaxError);
    expect((thrown as Error).message).toContain(error);
  });

  it('decodes the form-encoded filter Entra sends once the query string is decoded', () => {
    const query = new URLSearchParams('filter=userName+eq+%22Test_User_ab6490ee%22');
    expect(parseFilter(query.get('filter') ?? '')).toStrictEqual({
      kind: 'compare',
      op: 'eq',
      path: { attr: 'userName' },
      value: 'Test_User_ab6490ee',
    });
  });

  it('reports the 0-based position on the error object', () => {
    expect(() => parseFilter('userName xx "bob"')).toThrow(
      expect.objectContaining({ position: 9, name: 'FilterSyntaxError' }),
    );
  });
});

describe('parseAttrPath', () => {
  it.each([
    ['userName', { attr: 'userName' }],
    ['name.FamilyName', { attr: 'name', sub: 'FamilyName' }],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user', attr: 'manager', sub: 'value' },
    ],
    [' meta.lastModified ', { attr: 'meta', sub: 'lastModified' }],
  ])('parses %s', (input, expected) => {
    expect(parseAttrPath(input)).toStrictEqual(expected);
  });

  it('rejects a value path', () => {
    expect(() => parseAttrPath('emails[type eq "work"]')).toThrow(FilterSyntaxError);
  });
});

describe('parsePathExpression', () => {
  it('parses a plain path', () => {
    expect(parsePathExpression('name.givenName')).toStrictEqual({ path: { attr: 'name', sub: 'givenName' } });
  });

  it('parses a filtered path with a trailing sub-attribute', () => {
    expect(parsePathExpression('emails[type eq "work"].value')).toStrictEqual({
      path: { attr: 'emails' },
      filter: { kind: 'compare', op: 'eq', path: { attr: 'type' }, value: 'work' },
      subAttr: 'value',
    });
  });

  it('parses a member removal path', () => {
    expect(parsePathExpression('members[value eq "abc"]')).toStrictEqual({
      path: { attr: 'members' },
      filter: { kind: 'compare', op: 'eq', path: { attr: 'value' }, value: 'abc' },
    });
  });

  it('rejects trailing text', () => {
    expect(() => parsePathExpression('emails[type eq "work"] value')).toThrow(
      'Unexpected "value" at position 23',
    );
  });
});

describe('parseSortBy', () => {
  it('defaults to ascending', () => {
    expect(parseSortBy('userName')).toStrictEqual({ path: { attr: 'userName' }, descending: false });
  });

  it('reads sortOrder case-insensitively', () => {
    expect(parseSortBy('meta.created', 'Descending')).toStrictEqual({
      path: { attr: 'meta', sub: 'created' },
      descending: true,
    });
  });

  it('rejects an unknown sortOrder', () => {
    expect(() => parseSortBy('userName', 'up')).toThrow('Invalid sortOrder "up"');
  });
});
