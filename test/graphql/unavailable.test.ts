import type { Server } from 'node:http';
import Koa from 'koa';
import { Client } from 'pg';
import { tooManyRequests, unavailable } from '../../src/domain/errors';
import { createGraphQLServer } from '../../src/graphql/server';
import { graphqlMiddleware } from '../../src/http/graphql';
import { closeServer, listen } from '../../src/http/server';
import type { Authenticator } from '../../src/http/auth/authenticate';
import type { RequestState } from '../../src/http/state';
import { ADMIN_TOKEN } from '../support/app';
import { silentLog } from '../support/factories';
import { until } from '../support/wait';
import { makeExecutableSchemaLike } from './tiny-schema';
import { useGqlApp } from './support';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, query: string, token?: string): Promise<Answer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as never,
  };
}

describe('503 and 429 with Retry-After (a GraphQL server over a tiny schema)', () => {
  let server: Server;
  let url: string;
  let authenticate: Authenticator;
  beforeAll(async () => {
    const apollo = createGraphQLServer(
      makeExecutableSchemaLike({
        ok: () => 'ok',
        down: () => {
          throw unavailable('The directory database is unreachable; retry shortly.', 7);
        },
        busy: () => {
          throw tooManyRequests('Slow down.', 3);
        },
      }),
      { introspection: false, exposeStack: true, maxDepth: 10, maxCost: 1000, log: silentLog as never },
    );
    await apollo.start();
    const app = new Koa<RequestState>();
    app.use(async (ctx, next) => {
      ctx.state.requestId = 'req-1';
      ctx.state.log = silentLog as never;
      ctx.state.em = {} as never;
      await next();
    });
    const parts = await graphqlMiddleware({
      server: apollo,
      authenticate: (...args) => authenticate(...args),
      publicUrl: 'http://directory.test',
    });
    for (const part of parts) app.use(part);
    const listening = await listen(app as never, 0, '127.0.0.1');
    server = listening.server as Server;
    url = `http://127.0.0.1:${listening.port}`;
  });
  afterAll(async () => {
    await closeServer(server, 1000);
  });
  beforeEach(() => {
    authenticate = async () => ({ status: 'authenticated', principal: { kind: 'operator' } });
  });

  it('answers UNAVAILABLE from a resolver with 503 and its Retry-After, without a stack trace', async () => {
    const res = await post(url, '{ ok down }');
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('7');
    expect(res.body.errors![0]!.extensions).toEqual({
      code: 'UNAVAILABLE',
      domainCode: 'UNAVAILABLE',
      retryAfterSeconds: 7,
    });
  });

  it('answers TOO_MANY_REQUESTS with 429; UNAVAILABLE wins when both are there', async () => {
    const busy = await post(url, '{ busy }');
    expect(busy.status).toBe(429);
    expect(busy.retryAfter).toBe('3');
    const both = await post(url, '{ busy down }');
    expect(both.status).toBe(503);
    expect(both.retryAfter).toBe('7');
    expect((await post(url, '{ ok }')).status).toBe(200);
  });

  it('answers an unreachable database during authentication with 503, not 500', async () => {
    authenticate = async () => {
      throw unavailable('The directory database is unreachable; retry shortly.', 5);
    };
    const res = await post(url, '{ ok }', 'cpd_key_whatever');
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('5');
    expect(res.body.errors).toEqual([
      {
        message: 'The directory database is unreachable; retry shortly.',
        extensions: { code: 'UNAVAILABLE', domainCode: 'UNAVAILABLE', retryAfterSeconds: 5 },
      },
    ]);
    // A raw connection error (not translated by the domain) gets the same answer.
    authenticate = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    };
    const raw = await post(url, '{ ok }', 'cpd_key_whatever');
    expect(raw.status).toBe(503);
    expect(raw.retryAfter).toBe('5');
    expect(JSON.stringify(raw.body)).not.toMatch(/ECONNREFUSED|stacktrace/);
    // Anything else is still a masked 500.
    authenticate = async () => {
      throw new Error('a bug');
    };
    const bug = await post(url, '{ ok }', 'cpd_key_whatever');
    expect(bug.status).toBe(500);
    expect(bug.body.errors![0]!.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(bug.body.errors![0]!.message).toBe('Internal server error');
  });
});

describe('503 and Retry-After when the database stops accepting connections (the real app)', () => {
  let admin: Client;
  const { db, app, t } = useGqlApp({
    beforeClose: async () => {
      await admin.query(`alter database "${dbName()}" allow_connections true`);
      await admin.end();
    },
  });
  const dbName = () => new URL(db.url).pathname.slice(1);
  beforeAll(async () => {
    admin = new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL });
    await admin.connect();
  });

  // Relies on src/domain/sql.ts turning connection failures into UNAVAILABLE (and on the edge net
  // in errors.ts / http/graphql.ts for anything that escapes it).
  it('answers 503 with Retry-After, for the API key lookup and for resolvers', async () => {
    expect((await app.graphql('{ users(first: 1) { totalCount } }', {}, t.keys.read)).status).toBe(200);
    await admin.query(`alter database "${dbName()}" allow_connections false`);
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
      [dbName()],
    );
    // pg_terminate_backend only signals: wait until the app's connections are gone.
    await until(
      'no connection to the database is left',
      async () =>
        (await admin.query(`select count(*)::int as n from pg_stat_activity where datname = $1`, [dbName()]))
          .rows[0].n === 0,
    );
    for (const [query, token] of [
      ['{ users(first: 1) { totalCount } }', t.keys.read], // the API key lookup reads the database
      ['{ tenants { id } }', ADMIN_TOKEN], // the operator token does not: the resolver fails
    ] as const) {
      const res = await post(app.url, query, token);
      expect({ status: res.status, code: res.body.errors?.[0]?.extensions?.code }).toEqual({
        status: 503,
        code: 'UNAVAILABLE',
      });
      expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|allow_connections|not currently accepting/);
    }
  });
});
