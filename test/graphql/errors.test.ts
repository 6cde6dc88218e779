import { GraphQLError } from 'graphql';
import { makeExecutableSchemaLike } from './tiny-schema';
import { createGraphQLServer } from '../../src/graphql/server';
import { DomainError } from '../../src/domain/errors';
import type { GraphQLContext } from '../../src/graphql/context';

describe('GraphQL error handling', () => {
  const failures: Record<string, () => unknown> = {
    internal: () => {
      throw new Error('connection to 10.0.0.5 refused; select secret from credential');
    },
    domain: () => {
      throw new DomainError('USER_NAME_TAKEN', 'A user with this userName already exists.');
    },
    client: () => {
      throw new GraphQLError('first must be between 0 and 500', { extensions: { code: 'BAD_USER_INPUT' } });
    },
  };

  async function run(field: string, exposeStack = false) {
    const logged: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
    const log = { error: (obj: Record<string, unknown>, msg?: string) => logged.push({ obj, msg }) };
    const server = createGraphQLServer(makeExecutableSchemaLike(failures), {
      introspection: false,
      exposeStack,
      maxDepth: 10,
      maxCost: 1000,
      log: log as never,
    });
    await server.start();
    try {
      const res = await server.executeOperation(
        { query: `{ ${field} }` },
        { contextValue: { log, requestId: 'req-1' } as unknown as GraphQLContext },
      );
      const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
      return { errors: body?.errors ?? [], logged };
    } finally {
      await server.stop();
    }
  }

  it('masks unexpected errors, logging them with the request logger', async () => {
    const { errors, logged } = await run('internal');
    expect(errors).toEqual([
      {
        message: 'Internal server error',
        locations: [{ line: 1, column: 3 }],
        path: ['internal'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(logged).toHaveLength(1);
    expect(String((logged[0]!.obj.err as Error).message)).toMatch(/refused/);
  });

  it('maps domain errors to coded errors and lets client errors through, without logging them', async () => {
    const domain = await run('domain');
    expect(domain.errors[0]?.extensions).toEqual({ code: 'USER_NAME_TAKEN', domainCode: 'USER_NAME_TAKEN' });
    const client = await run('client');
    expect(client.errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect([...domain.logged, ...client.logged]).toEqual([]);
  });

  it('shows stack traces only when asked to (development)', async () => {
    expect(JSON.stringify((await run('internal')).errors)).not.toContain('stacktrace');
    expect(JSON.stringify((await run('internal', true)).errors)).toContain('stacktrace');
  });
});
