import { render, sql, SqlFragment, type SqlIdentifier } from '../../src/domain/sql-fragment';

// The `sql` tag (ADR 0008): text is SQL, interpolations are bound values or spliced fragments.
describe('sql fragments', () => {
  it('binds each interpolated value as the next $n, in order', () => {
    const tenantId = 't-1';
    const id = 'u-1';
    expect(render(sql`select * from app_user where tenant_id = ${tenantId} and id = ${id}`)).toStrictEqual({
      text: 'select * from app_user where tenant_id = $1 and id = $2',
      values: ['t-1', 'u-1'],
    });
  });

  it('numbers placeholders across nested fragments, however deep, in text order', () => {
    const inner = sql`b = ${2} and c = ${3}`;
    const middle = sql`(${inner} or d = ${4})`;
    const outer = sql`select ${1}::int where ${middle} and e = ${5} and ${inner}`;
    expect(render(outer)).toStrictEqual({
      text: 'select $1::int where (b = $2 and c = $3 or d = $4) and e = $5 and b = $6 and c = $7',
      values: [1, 2, 3, 4, 5, 2, 3],
    });
    // A fragment is a value: rendering it alone numbers from $1 again.
    expect(render(middle).text).toBe('(b = $1 and c = $2 or d = $3)');
  });

  it('splices fragments with no values as text, and fragments at the very start and end', () => {
    const cols = sql`u.id, u.user_name`;
    expect(render(sql`${cols}`)).toStrictEqual({ text: 'u.id, u.user_name', values: [] });
    expect(render(sql`${sql`a = ${1}`} and ${sql`b = ${2}`}`)).toStrictEqual({
      text: 'a = $1 and b = $2',
      values: [1, 2],
    });
    expect(render(sql`x${sql.empty}y`).text).toBe('xy');
  });

  it('never puts a value into the text, whatever it contains', () => {
    const hostile = `x'); drop table app_user; --`;
    const dollar = '$1 $2 ?';
    const { text, values } = render(sql`select ${hostile}, ${dollar}, ${null}, ${false}, ${0}`);
    expect(text).toBe('select $1, $2, $3, $4, $5');
    expect(values).toStrictEqual([hostile, dollar, null, false, 0]);
  });

  it('passes a literal ? through (jsonb operators are legal)', () => {
    expect(render(sql`select ${'{"a":1}'}::jsonb ? 'a' as has_a, ${'b'} ?| array['x']`)).toStrictEqual({
      text: `select $1::jsonb ? 'a' as has_a, $2 ?| array['x']`,
      values: ['{"a":1}', 'b'],
    });
  });

  it('quotes identifiers, doubling embedded quotes, and qualifies with several names', () => {
    expect(render(sql`select * from ${sql.identifier('group')}`).text).toBe('select * from "group"');
    expect(render(sql.identifier('u', 'user_name')).text).toBe('"u"."user_name"');
    expect(render(sql.identifier('we"ird; drop')).text).toBe('"we""ird; drop"');
    expect(() => sql.identifier('')).toThrow(TypeError);
  });

  it('joins fragments with a separator, renumbering their values', () => {
    const parts = [sql`a = ${1}`, sql`b`, sql`c = ${3}`];
    expect(render(sql`where ${sql.join(parts, sql` and `)}`)).toStrictEqual({
      text: 'where a = $1 and b and c = $2',
      values: [1, 3],
    });
    expect(render(sql.join([], sql`, `)).text).toBe('');
    expect(render(sql.join([sql`x = ${1}`], sql`, `))).toStrictEqual({ text: 'x = $1', values: [1] });
    const sep = sql` + ${10} + `;
    expect(render(sql.join([sql`${1}`, sql`${2}`], sep))).toStrictEqual({
      text: '$1 + $2 + $3',
      values: [1, 10, 2],
    });
  });

  it('takes trusted text only through sql.raw', () => {
    const column = 'u.cost_center'; // e.g. the attribute registry's SQL
    expect(
      render(sql`select ${sql.raw(column)} from app_user u where ${sql.raw(column)} = ${'x'}`),
    ).toStrictEqual({
      text: 'select u.cost_center from app_user u where u.cost_center = $1',
      values: ['x'],
    });
  });

  it('binds a plain string as a value, never as a name or as text (checked by the compiler)', () => {
    const name = 'app_user';
    // Interpolated, a string is a value: it cannot become a table name.
    expect(render(sql`select * from ${name}`)).toStrictEqual({
      text: 'select * from $1',
      values: ['app_user'],
    });
    // @ts-expect-error a string is not an identifier
    const notAnIdentifier: SqlIdentifier = name;
    // @ts-expect-error nor is any other fragment: only sql.identifier makes one
    const notAnIdentifierEither: SqlIdentifier = sql`app_user`;
    // @ts-expect-error strings cannot be joined into the text
    const notJoined = () => sql.join([name], sql`, `);
    // @ts-expect-error nor be a separator
    const notASeparator = () => sql.join([sql`a`], ', ');
    // @ts-expect-error nor can a fragment be forged from an object
    const forged: SqlFragment = { pieces: ['drop table app_user'], values: [] };
    // @ts-expect-error nor constructed directly
    const constructed = () => new SqlFragment(['drop table app_user'], []);
    expect([
      notAnIdentifier,
      notAnIdentifierEither,
      notJoined,
      notASeparator,
      forged,
      constructed,
    ]).toHaveLength(6);
  });

  it('refuses values that are not scalars at run time as well', () => {
    expect(() => sql`select ${undefined as unknown as null}`).toThrow(TypeError);
    expect(() => sql`select ${{ a: 1 } as unknown as string}`).toThrow(TypeError);
    expect(() => sql`select ${['a'] as unknown as string}`).toThrow(TypeError);
    const at = new Date(0);
    expect(render(sql`select ${at}, ${10n}`).values).toStrictEqual([at, 10n]);
  });
});
