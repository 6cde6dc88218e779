import { ADMIN_TOKEN, startTestApp } from '../support/app';
import { getIntrospectionQuery } from 'graphql';
import { codeOf, useGqlApp } from './support';
import { countAliases, fragmentBomb } from './abuse';

const { db, app, t } = useGqlApp({ env: { GRAPHQL_MAX_DEPTH: '12', GRAPHQL_MAX_COST: '50000' } });

async function rejectedBeforeExecution(query: string, variables: Record<string, unknown> = {}) {
  db.queries.length = 0;
  const res = await app.graphql(query, variables, t.keys.read);
  expect(res.status).toBe(400);
  expect(codeOf(res.body)).toBe('QUERY_TOO_COMPLEX');
  expect(res.body.data).toBeUndefined();
  // Only the API key lookup ran: nothing of the operation itself.
  expect(db.queries.filter((q) => !/credential/.test(q))).toEqual([]);
  return res.body.errors![0]!.message;
}

describe('depth and cost limits', () => {
  it('counts the statements an accepted operation runs (the control for the checks below)', async () => {
    db.queries.length = 0;
    const res = await app.graphql(`{ users(first: 1) { edges { node { id } } } }`, {}, t.keys.read);
    expect(res.body.errors).toBeUndefined();
    expect(db.queries.filter((q) => /from app_user/.test(q)).length).toBeGreaterThan(0);
  });

  it('rejects a query nested deeper than GRAPHQL_MAX_DEPTH, before executing it', async () => {
    const deep = `{ users { edges { node { manager { manager { manager { manager { manager { manager { manager { manager { manager { id } } } } } } } } } } } } }`;
    expect(await rejectedBeforeExecution(deep)).toMatch(/too deep: 13 levels.*at most 12/);
    const viaFragment = `query { users { edges { node { ...M } } } } fragment M on User { manager { manager { manager { manager { manager { manager { manager { manager { manager { id } } } } } } } } } }`;
    expect(await rejectedBeforeExecution(viaFragment)).toMatch(/too deep/);
  });

  it('rejects a query whose estimated cost is above GRAPHQL_MAX_COST, counting variables', async () => {
    const nested = `query($n: Int, $m: Int) { users(first: $n) { edges { node { id groups(first: $m) { edges { node { id
      members(first: $m) { edges { node { ... on User { id } } } } } } } } } } }`;
    expect(await rejectedBeforeExecution(nested, { n: 500, m: 500 })).toMatch(
      /too expensive: estimated cost over 50000 \(\d+ counted before stopping\), at most 50000/,
    );
    // Omitted `first` counts as the default page (50): 50 × 50 × 50 is still too much.
    await rejectedBeforeExecution(nested);
    const fine = await app.graphql(nested, { n: 10, m: 5 }, t.keys.read);
    expect(fine.body.errors).toBeUndefined();
  });

  it('answers a fragment bomb at once, anonymous or not, without running anything', async () => {
    for (const n of [25, 40]) {
      for (const token of [null, t.keys.read]) {
        const started = performance.now();
        db.queries.length = 0;
        const res = await app.graphql(fragmentBomb(n), {}, token);
        // A guard against exponential work only (the measured time is a few milliseconds).
        expect(performance.now() - started).toBeLessThan(2000);
        expect(res.status).toBe(400);
        expect(codeOf(res.body)).toBe('QUERY_TOO_COMPLEX');
        expect(db.queries.filter((q) => !/credential/.test(q))).toEqual([]);
      }
    }
  });

  it('does not let first: 0 make a connection free, and caps aliases (GRAPHQL_MAX_ALIASES)', async () => {
    expect(await rejectedBeforeExecution(countAliases(101))).toMatch(
      /too many aliased fields: more than 100/,
    );
    const fine = await app.graphql(countAliases(100), {}, t.keys.read);
    expect(fine.body.errors).toBeUndefined();
    expect(fine.body.data!.a99).toEqual({ totalCount: 0 });
    // 22 per count: 2,300 of them are over the cost limit even where aliases are allowed.
    const roomy = await startTestApp(db, { GRAPHQL_MAX_ALIASES: '5000', GRAPHQL_MAX_TOKENS: '50000' });
    try {
      const res = await roomy.graphql(countAliases(2300), {}, t.keys.read);
      expect(codeOf(res.body)).toBe('QUERY_TOO_COMPLEX');
      expect(res.body.errors![0]!.message).toMatch(/too expensive/);
    } finally {
      await roomy.close();
    }
  });

  it('bounds parsing for everybody (GRAPHQL_MAX_TOKENS), and the introspection query of IDEs fits', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `"${i}"`).join(' ');
    const long = `{ checkMembership(userId: "u", groupIds: [${ids}]) }`; // 5,012 tokens
    const small = await startTestApp(db, { GRAPHQL_MAX_TOKENS: '5000' });
    try {
      const res = await small.graphql(long, {}, null);
      expect(res.status).toBe(400);
      expect(codeOf(res.body)).toBe('GRAPHQL_PARSE_FAILED');
      expect(res.body.errors![0]!.message).toMatch(/more tha[nt] 5000 tokens/);
      const intro = await small.graphql(getIntrospectionQuery({ descriptions: true }), {}, t.keys.read);
      expect(intro.body.errors).toBeUndefined();
    } finally {
      await small.close();
    }
    // The default (10,000) takes that document (pass long lists as variables).
    const parsed = await app.graphql(long, {}, t.keys.read);
    expect(JSON.stringify(parsed.body)).not.toContain('GRAPHQL_PARSE_FAILED');
  });

  it('lets introspection through the limits (the IDE needs it)', async () => {
    const res = await app.graphql(
      `{ __schema { types { name fields { name type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }`,
      {},
      t.keys.read,
    );
    expect(res.body.errors).toBeUndefined();
  });
});

describe('introspection and the GraphQL IDE', () => {
  it('sends a browser opening /graphql to the IDE in the console, with its query string', async () => {
    const page = await fetch(`${app.url}/graphql`, {
      headers: { accept: 'text/html,application/xhtml+xml' },
      redirect: 'manual',
    });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/console/graphql');
    const withQuery = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(withQuery.status).toBe(302);
    expect(withQuery.headers.get('location')).toBe(
      `/console/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`,
    );
    // GraphQL over GET is still GraphQL.
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`, {
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'apollo-require-preflight': '1',
      },
    });
    expect(await get.json()).toEqual({ data: { viewer: { kind: 'OPERATOR' } } });
    // As is a GET without an Accept header (curl's */*): no redirect.
    const plain = await fetch(`${app.url}/graphql`, { redirect: 'manual' });
    expect(plain.status).not.toBe(302);
  });

  it('turns the IDE redirect and introspection off in production, and never shows stack traces', async () => {
    const prod = await startTestApp(db, { NODE_ENV: 'production' });
    try {
      const page = await fetch(`${prod.url}/graphql`, {
        headers: { accept: 'text/html' },
        redirect: 'manual',
      });
      expect(page.status).not.toBe(302);
      expect(page.headers.get('location')).toBeNull();
      expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      const intro = await prod.graphql(`{ __schema { queryType { name } } }`, {}, t.keys.read);
      expect(codeOf(intro.body)).toBe('GRAPHQL_VALIDATION_FAILED');
      const bad = await prod.graphql(`{ users(first: 9999) { totalCount } }`, {}, t.keys.read);
      expect(JSON.stringify(bad.body)).not.toContain('stacktrace');
    } finally {
      await prod.close();
    }
    const configured = await startTestApp(db, { GRAPHQL_IDE: 'false', GRAPHQL_INTROSPECTION: 'false' });
    try {
      const page = await fetch(`${configured.url}/graphql`, {
        headers: { accept: 'text/html' },
        redirect: 'manual',
      });
      expect(page.status).not.toBe(302);
      expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    } finally {
      await configured.close();
    }
  });
});
