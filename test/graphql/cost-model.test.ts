import { getOperationAST, GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { createSchema } from '../../src/graphql/schema';
import { analyzeOperation, type OperationLimits } from '../../src/graphql/limits';
import { fragmentBomb } from './abuse';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

const roomy: OperationLimits = { maxDepth: 50, maxCost: 1e15, maxAliases: 1e6 };

function analyze(query: string, variables: Record<string, unknown> = {}, limits = roomy) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  return analyzeOperation(schema, document, getOperationAST(document)!, variables, limits);
}

function rejection(query: string, limits: Partial<OperationLimits>, variables: Record<string, unknown> = {}) {
  try {
    analyze(query, variables, { ...roomy, ...limits });
  } catch (e) {
    expect(e).toBeInstanceOf(GraphQLError);
    expect((e as GraphQLError).extensions.code).toBe('QUERY_TOO_COMPLEX');
    return (e as GraphQLError).message;
  }
  throw new Error('not rejected');
}

describe('the cost model', () => {
  it('gives every field that reaches the database a cost of its own, whatever first says', () => {
    // Statements users 10 + totalCount 10 (a count), fields 2, nothing per item: not free.
    expect(analyze(`{ users(first: 0) { totalCount } }`).cost).toBe(22);
    expect(analyze(`{ users(first: 0) { pageInfo { hasNextPage } } }`).cost).toBe(10 + 3);
    // users 10 + 1 + 2 × (edges 1 + node 1 + id 1)
    expect(analyze(`{ users(first: 2) { edges { node { id } } } }`).cost).toBe(17);
    // first omitted counts the default page (50)
    expect(analyze(`{ users { edges { node { id } } } }`).cost).toBe(11 + 50 * 3);
    expect(analyze(`{ viewer { kind } }`).cost).toBe(12);
    expect(analyze(`{ checkMembership(userId: "u", groupIds: ["a", "b"]) }`).cost).toBe(11);
    expect(analyze(`{ membershipPath(userId: "u", groupId: "g") { id } }`).cost).toBe(12);
    expect(analyze(`{ provisioningLog { id } }`).cost).toBe(11 + 50 * 1);
    expect(analyze(`{ provisioningLog(first: 0) { id } }`).cost).toBe(12);
    expect(analyze(`mutation { deleteUser(id: "u") { id } }`).cost).toBe(12);
  });

  it('charges each nested statement once (the loaders batch it over the page), its fields per item', () => {
    // Statements: user, manager, groups, totalCount, memberCount (5 × 10). Fields: user 1,
    // manager 1 + id 1, groups 1 + totalCount 1 + 5 × (edges 1 + node 1 + id 1 + memberCount 1).
    expect(
      analyze(
        `{ user(id: "u") { manager { id } groups(first: 5) { totalCount edges { node { id memberCount } } } } }`,
      ).cost,
    ).toBe(50 + 1 + 2 + (2 + 5 * 4));
    // A page of 100 users each with its manager: two statements, not 101.
    expect(analyze(`{ users(first: 100) { edges { node { manager { id } } } } }`).cost).toBe(
      20 + 1 + 100 * (1 + 1 + 2),
    );
  });

  it('counts every alias and every fragment spread of the same field', () => {
    const one = analyze(`{ users(first: 0) { totalCount } }`).cost;
    const aliased = analyze(`{ a: users(first: 0) { totalCount } b: users(first: 0) { totalCount } }`);
    expect(aliased.cost).toBe(2 * one);
    expect(aliased.aliases).toBe(2);
    const spread = analyze(
      `{ ...C a: users(first: 0) { ...T } } fragment C on Query { b: users(first: 0) { ...T } } fragment T on UserConnection { totalCount }`,
    );
    expect(spread.cost).toBe(2 * one);
    const twice = analyze(`{ ...C ... { ...C } } fragment C on Query { x: users(first: 0) { totalCount } }`);
    expect(twice.aliases).toBe(2);
  });

  it('multiplies by first given in variables, and leaves introspection free', () => {
    const q = `query($n: Int) { users(first: $n) { edges { node { id } } } }`;
    expect(analyze(q, { n: 100 }).cost).toBe(11 + 100 * 3);
    expect(analyze(q, {}).cost).toBe(11 + 50 * 3);
    expect(analyze(`{ __typename __schema { types { name } } }`)).toEqual({
      cost: 0,
      depth: 0,
      aliases: 0,
      statements: 0,
    });
  });

  it('rejects over each limit, as soon as it is passed', () => {
    expect(rejection(`{ user(id: "u") { manager { manager { id } } } }`, { maxDepth: 3 })).toMatch(
      /too deep: 4 levels of fields, at most 3/,
    );
    expect(rejection(`{ users(first: 500) { edges { node { id } } } }`, { maxCost: 1000 })).toMatch(
      /too expensive: estimated cost over 1000/,
    );
    const aliases = Array.from({ length: 4 }, (_, i) => `a${i}: viewer { kind }`).join(' ');
    expect(rejection(`{ ${aliases} }`, { maxAliases: 3 })).toMatch(/too many aliased fields: more than 3/);
    expect(analyze(`{ ${aliases} }`, {}, { ...roomy, maxAliases: 4 }).aliases).toBe(4);
  });

  it('measures a fragment once: a bomb of 2^40 fields is rejected at once, never followed', () => {
    for (const n of [25, 40]) {
      const started = performance.now();
      expect(rejection(fragmentBomb(n), { maxCost: 50000, maxDepth: 12, maxAliases: 100 })).toMatch(
        /too expensive/,
      );
      // A guard against exponential work only; the measured time is a fraction of a millisecond.
      expect(performance.now() - started).toBeLessThan(2000);
    }
    // With room for it, the whole cost is computed (exactly, without walking 2^40 leaves).
    expect(analyze(fragmentBomb(40)).cost).toBe(12 * 2 ** 40);
  });

  it('never follows a fragment cycle, should one get past validation', () => {
    const document = parse(
      `{ ...A } fragment A on Query { viewer { kind } ...B } fragment B on Query { ...A }`,
    );
    expect(() => analyzeOperation(schema, document, getOperationAST(document)!, {}, roomy)).toThrow(
      /spreads itself/,
    );
  });
});

describe('database statements', () => {
  it('counts the statements an operation runs, each alias its own, a page with nested connections a few', async () => {
    const counts = Array.from({ length: 50 }, (_, i) => `c${i}: users(first: 0) { totalCount }`).join(' ');
    expect(analyze(`{ ${counts} }`).statements).toBe(100);
    expect(
      analyze(
        `{ users(first: 100) { edges { node { id roles { value } groups { edges { node { id } } } } } } }`,
      ).statements,
    ).toBe(2);
  });
});
