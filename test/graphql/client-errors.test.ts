import { startTestApp, type TestApp } from '../support/app';
import { codeOf, useGqlApp } from './support';

let prod: TestApp;
const {
  db,
  app: dev,
  t,
} = useGqlApp({
  env: { NODE_ENV: 'development' },
  beforeClose: () => prod.close(),
});
beforeAll(async () => {
  prod = await startTestApp(db, { NODE_ENV: 'production' });
});

const typo = `query($f: UserFilter) { users(filter: $f) { totalCount } }`;

describe('client errors say nothing about the server', () => {
  it('never carry a stack trace, even in development', async () => {
    const cases: Array<[string, string | null, Record<string, unknown>, string]> = [
      ['{ users(first: 1) { totalCount } }', null, {}, 'UNAUTHENTICATED'],
      ['{ users(first: 1) { totalCount } }', 'cpd_key_nope', {}, 'UNAUTHENTICATED'],
      ['{ users(first: ', t.keys.read, {}, 'GRAPHQL_PARSE_FAILED'],
      ['{ userz { id } }', t.keys.read, {}, 'GRAPHQL_VALIDATION_FAILED'],
      ['{ users(first: 9999) { totalCount } }', t.keys.read, {}, 'BAD_USER_INPUT'],
      [typo, t.keys.read, { f: { userNam: { equals: 'x' } } }, 'BAD_USER_INPUT'],
      [
        `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`,
        t.keys.read,
        {},
        'QUERY_TOO_COMPLEX',
      ],
      [
        'mutation { deleteUser(id: "00000000-0000-4000-8000-000000000000") { id } }',
        t.keys.read,
        {},
        'FORBIDDEN',
      ],
    ];
    for (const [query, token, variables, code] of cases) {
      const res = await dev.graphql(query, variables, token);
      expect({ query, code: codeOf(res.body) }).toEqual({ query, code });
      expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|\bat \w+ \(|node_modules/);
    }
  });

  it('suggest no names of the schema when introspection is off', async () => {
    for (const app of [dev, prod]) {
      const field = await app.graphql('{ userz { id } }', {}, t.keys.read);
      const input = await app.graphql(typo, { f: { userNam: { equals: 'x' } } }, t.keys.read);
      const messages = [field, input].map((r) => r.body.errors![0]!.message).join('\n');
      if (app === dev)
        expect(messages).toMatch(/Did you mean "user" or "users"\?[\s\S]*Did you mean "userName"\?/);
      else expect(messages).not.toMatch(/Did you mean|userName|"users"/);
    }
  });
});
