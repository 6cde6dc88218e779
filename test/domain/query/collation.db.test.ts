/**
 * Filters compare text in the "C" collation (`lower(col) collate "C"`, ADR 0018) so that one
 * btree per attribute serves eq, sw and sorting. This proves that equality, `in` and LIKE (sw, co,
 * ew, with % _ and \ in the value) select exactly the rows they selected before, when the column's
 * collation is not "C": the probe table's columns are in ICU en-US, as on a database created with
 * an en_US locale, and each compiled filter is run as compiled and with its `collate "C"` removed
 * (the SQL before). Case-folding is unchanged: the COLLATE applies after lower().
 */
import { Client } from 'pg';
import { compileFilter } from '../../../src/domain/query/compile';
import { parseFilter } from '../../../src/domain/query/filter/parser';
import { render } from '../../../src/domain/sql';
import { createTestDatabase, type TestDatabase } from '../../support/db';

const STRINGS = [
  'Ärger',
  'ärger',
  'ARGER',
  'École',
  'ecole',
  'straße',
  'STRASSE',
  'İstanbul',
  'istanbul',
  'ǅemal',
  'Σίσυφος',
  'ΣΊΣΥΦΟΣ',
  '50%_off\\',
  '50x_off',
  '50%xoff',
  'a_b',
  'axb',
  'a%b',
  'a\\b',
  'Zoë',
  'zoe',
  '😀 smile',
  'ﬁne',
  'FINE',
  'Ab',
  'aB',
  'ab ',
  ' ab',
  '',
];

/** Whole strings, and their prefixes and suffixes of one to three characters, as compared values. */
const VALUES = [
  ...new Set(
    STRINGS.flatMap((s) => {
      const cs = [...s];
      return [
        s,
        s.toUpperCase(),
        ...[1, 2, 3].flatMap((n) => [cs.slice(0, n).join(''), cs.slice(-n).join('')]),
      ];
    }),
  ),
];

let db: TestDatabase;
let client: Client;
beforeAll(async () => {
  db = await createTestDatabase();
  client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query(`create table u_probe (id int primary key, display_name text collate "en-US-x-icu",
    external_id text collate "en-US-x-icu")`);
  await client.query(
    `insert into u_probe select i, s, s from unnest($1::text[]) with ordinality as t(s, i) union all select 0, null, null`,
    [STRINGS],
  );
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function ids(text: string, values: unknown[]): Promise<number[]> {
  const res = await client.query<{ ids: number[] }>(
    `select coalesce(array_agg(id order by id), '{}') as ids from u_probe u where ${text}`,
    values,
  );
  return res.rows[0]!.ids;
}

const quoted = (v: string) => JSON.stringify(v);

describe('comparing in the "C" collation selects the same rows as before', () => {
  it.each(['displayName', 'externalId'])('%s eq, ne, in, sw, co, ew', async (attr) => {
    let matched = 0;
    for (const v of VALUES) {
      for (const filter of [
        `${attr} eq ${quoted(v)}`,
        `${attr} ne ${quoted(v)}`,
        `${attr} sw ${quoted(v)}`,
        `${attr} co ${quoted(v)}`,
        `${attr} ew ${quoted(v)}`,
        `${attr} eq ${quoted(v)} or ${attr} eq ${quoted(v.toLowerCase())}`,
      ]) {
        const { text, values } = render(compileFilter('User', parseFilter(filter)));
        expect(text).toContain('collate "C"');
        const now = await ids(text, values);
        const before = await ids(text.replaceAll(' collate "C"', ''), values);
        expect({ filter, rows: now }).toStrictEqual({ filter, rows: before });
        matched += now.length;
      }
    }
    // The probe is not vacuous: values match rows, case-insensitively where the attribute is.
    expect(matched).toBeGreaterThan(VALUES.length * 4);
  });

  it('still folds case beyond ASCII', async () => {
    const { text, values } = render(compileFilter('User', parseFilter('displayName eq "ärger"')));
    expect(await ids(text, values)).toStrictEqual([1, 2]);
    const sw = render(compileFilter('User', parseFilter('displayName sw "σίσ"')));
    expect(await ids(sw.text, sw.values)).toStrictEqual([11, 12]);
  });
});
