import type { Filter, ResourceKind } from '../../../src/domain/query/ast';
import { compileFilter, compileSort } from '../../../src/domain/query/compile';
import { DomainError } from '../../../src/domain/errors';
import { render, type SqlFragment } from '../../../src/domain/sql';
import { parseFilter, parseSortBy } from '../../../src/domain/query/filter/parser';
import fixtures from './fixtures/compile.json';

interface Fixtures {
  valid: { kind: ResourceKind; filter: string; sql: string; params: unknown[] }[];
  errors: { kind: ResourceKind; filter: string; error: string }[];
}

const { valid, errors } = fixtures as unknown as Fixtures;
const GROUP_ID = '2819c223-7f76-453a-919d-413861904646';

/** A compiled fragment as PostgreSQL receives it, in the fixtures' shape. */
function rendered(fragment: SqlFragment): { sql: string; params: unknown[] } {
  const { text, values } = render(fragment);
  return { sql: text, params: values };
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('compileFilter', () => {
  it.each(valid)('$kind: $filter', ({ kind, filter, sql, params }) => {
    expect(rendered(compileFilter(kind, parseFilter(filter)))).toStrictEqual({ sql, params });
  });

  it.each(errors)('$kind: rejects $filter', ({ kind, filter, error }) => {
    const thrown = thrownBy(() => compileFilter(kind, parseFilter(filter)));
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'INVALID_FILTER', message: error });
  });

  it('numbers one placeholder per value, in order, and puts no value in the text', () => {
    for (const { kind, filter } of valid) {
      const { sql, params } = rendered(compileFilter(kind, parseFilter(filter)));
      expect(sql.match(/\$\d+/g) ?? []).toStrictEqual(params.map((_, i) => `$${i + 1}`));
    }
  });

  it('compiles `in` with the attribute case rules', () => {
    const filter: Filter = { kind: 'in', path: { attr: 'userName' }, values: ['A', 'b'] };
    expect(rendered(compileFilter('User', filter))).toStrictEqual({
      sql: '(lower(u.user_name) collate "C" in (lower($1), lower($2)))',
      params: ['A', 'b'],
    });
    const exact: Filter = { kind: 'in', path: { attr: 'externalId' }, values: ['A', null] };
    expect(rendered(compileFilter('User', exact))).toStrictEqual({
      sql: '(u.external_id collate "C" in ($1) or ((u.external_id is not null and u.external_id <> \'\')) is not true)',
      params: ['A'],
    });
  });

  it('drops ids that are not UUIDs from `in`, and matches nothing when none is left', () => {
    expect(
      rendered(compileFilter('User', { kind: 'in', path: { attr: 'id' }, values: ['x', GROUP_ID] })),
    ).toStrictEqual({
      sql: '(u.id in ($1::uuid))',
      params: [GROUP_ID],
    });
    expect(
      rendered(compileFilter('User', { kind: 'in', path: { attr: 'id' }, values: ['x'] })),
    ).toStrictEqual({
      sql: 'false',
      params: [],
    });
  });

  it('compiles memberOf DIRECT as a membership row', () => {
    expect(
      rendered(compileFilter('User', { kind: 'memberOf', groupId: GROUP_ID, depth: 'DIRECT' })),
    ).toStrictEqual({
      sql: 'exists (select 1 from membership mo where mo.group_id = $1::uuid and mo.member_id = u.id)',
      params: [GROUP_ID],
    });
  });

  it('compiles memberOf ALL and INHERITED over nested groups', () => {
    const all = rendered(compileFilter('Group', { kind: 'memberOf', groupId: GROUP_ID, depth: 'ALL' }));
    expect(all.sql).toMatch(/^g\.id in \(with recursive nested/);
    expect(all.params).toStrictEqual([GROUP_ID]);
    const inherited = rendered(
      compileFilter('User', { kind: 'memberOf', groupId: GROUP_ID, depth: 'INHERITED' }),
    );
    expect(inherited.sql).toMatch(
      /^\(u\.id in \(with recursive .* and not exists \(select 1 from membership mo/,
    );
    expect(inherited.params).toStrictEqual([GROUP_ID, GROUP_ID]);
  });

  it('matches nothing for memberOf a group id that is not a UUID', () => {
    expect(
      rendered(compileFilter('User', { kind: 'memberOf', groupId: 'nope', depth: 'ALL' })),
    ).toStrictEqual({
      sql: 'false',
      params: [],
    });
  });

  it('rejects memberOf inside a value filter', () => {
    const filter: Filter = {
      kind: 'valuePath',
      path: { attr: 'emails' },
      filter: { kind: 'memberOf', groupId: GROUP_ID, depth: 'DIRECT' },
    };
    expect(() => compileFilter('User', filter)).toThrow('memberOf cannot be used inside "emails[...]"');
  });
});

describe('compileSort', () => {
  it.each([
    ['User', 'userName', undefined, 'lower(u.user_name) collate "C" asc nulls last, u.id asc'],
    ['User', 'externalId', 'descending', 'u.external_id collate "C" desc nulls first, u.id desc'],
    ['User', 'meta.created', undefined, 'u.created_at asc nulls last, u.id asc'],
    [
      'User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
      undefined,
      'lower(u.department) collate "C" asc nulls last, u.id asc',
    ],
    ['Group', 'DisplayName', 'descending', 'lower(g.display_name) collate "C" desc nulls first, g.id desc'],
  ] as const)('%s sorted by %s %s', (kind, sortBy, order, expected) => {
    expect(rendered(compileSort(kind, parseSortBy(sortBy, order)))).toStrictEqual({
      sql: expected,
      params: [],
    });
  });

  it.each([
    ['emails', 'Cannot sort by "emails": multi-valued attributes cannot be sorted'],
    ['manager.value', 'Cannot sort by "manager.value": this attribute is not sortable'],
    ['nope', 'Unknown attribute "nope" in filter'],
  ])('rejects %s', (sortBy, message) => {
    expect(thrownBy(() => compileSort('User', parseSortBy(sortBy)))).toMatchObject({
      code: 'INVALID_FILTER',
      message,
    });
  });
});
