import path from 'node:path';
import { ESLint, type Linter } from 'eslint';

/**
 * The layer rules of eslint.config.mjs (docs/ARCHITECTURE.md), proven on a representative file of
 * each layer: every ban fires, and what a layer may import passes. In a flat config a later block
 * setting `no-restricted-imports` replaces an earlier one for the same file, so a ban can vanish
 * silently; these cases are what notice.
 */
const ROOT = path.resolve(__dirname, '../..');
// The config as ESLint would load it. jest compiles the .mjs to CommonJS (jest.config.js); letting
// ESLint load the file itself would need import(), which jest's sandbox refuses without
// --experimental-vm-modules.
const config = jest.requireActual<{ default: Linter.Config[] }>('../../eslint.config.mjs').default;
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config });

/** The no-restricted-imports messages for `source` imported from the (hypothetical) file `file`. */
async function restrictions(file: string, source: string): Promise<string[]> {
  const code = `export { x } from '${source}';\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const ORM = /Only src\/domain and src\/db use MikroORM/;
const DB = /Only the composition root .* import src\/db/;
const TRANSPORT = /The domain and src\/db know no transport/;
const TRANSPORT_PACKAGE = /The domain knows no HTTP and no GraphQL/;
const SCIM = /GraphQL does not import SCIM/;
const GRAPHQL = /SCIM does not import GraphQL/;
const ROOT_BAN = /Nothing imports the composition root/;
const PURE = /src\/scim\/protocol stays pure/;
const CLIENT = /replay\/ is a client of any SCIM service/;

type Case = [file: string, source: string, ban: RegExp];

const banned: Case[] = [
  // The domain: no src/db, no transport, no HTTP or GraphQL package, no composition root.
  ['src/domain/sql.ts', '../db/orm', DB],
  ['src/domain/users/user.service.ts', '../../db/availability', DB],
  ['src/domain/users/user.service.ts', '../../scim/protocol/user-mapper', TRANSPORT],
  ['src/domain/query/filter/parser.ts', '../../../graphql/common/filters', TRANSPORT],
  ['src/domain/health.ts', '../http/state', TRANSPORT],
  ['src/domain/users/user.service.ts', 'koa', TRANSPORT_PACKAGE],
  ['src/domain/users/user.service.ts', 'graphql', TRANSPORT_PACKAGE],
  ['src/domain/context.ts', '../compose', ROOT_BAN],
  // src/db: may import the domain, but no transport.
  ['src/db/orm.ts', '../scim/errors', TRANSPORT],
  ['src/db/availability.ts', '../http/logger', TRANSPORT],
  ['src/db/database.ts', '../main', ROOT_BAN],
  // SCIM outside the protocol folder.
  ['src/scim/router.ts', '@mikro-orm/postgresql', ORM],
  ['src/scim/http/auth.ts', '../../db/orm', DB],
  ['src/scim/resources/users/user.routes.ts', '../../../graphql/errors', GRAPHQL],
  ['src/scim/router.ts', '../serve', ROOT_BAN],
  // The SCIM protocol folder: the transport bans and its own.
  ['src/scim/protocol/user-mapper.ts', '@mikro-orm/core', ORM],
  ['src/scim/protocol/patch/path.ts', '../../../db/orm', DB],
  ['src/scim/protocol/projection.ts', '../../graphql/common/filters', GRAPHQL],
  ['src/scim/protocol/user-mapper.ts', 'koa', PURE],
  ['src/scim/protocol/user-mapper.ts', '../../domain/users/user.service', PURE],
  // GraphQL.
  ['src/graphql/common/filters.ts', '@mikro-orm/postgresql', ORM],
  ['src/graphql/users/user.resolver.ts', '../../db/orm', DB],
  ['src/graphql/common/filters.ts', '../../scim/protocol/filter/parser', SCIM],
  ['src/graphql/schema.ts', '../scim/errors', SCIM],
  // The HTTP shell.
  ['src/http/app.ts', '@mikro-orm/postgresql', ORM],
  ['src/http/health.ts', '../db/availability', DB],
  // The composition root and the harnesses: no MikroORM of their own.
  ['src/compose.ts', '@mikro-orm/postgresql', ORM],
  ['src/main.ts', '@mikro-orm/core', ORM],
  ['src/serve.ts', '@mikro-orm/postgresql', ORM],
  ['bench/run.ts', '@mikro-orm/postgresql', ORM],
  ['faults/run.ts', '@mikro-orm/postgresql', ORM],
  // The replay (npm run replay) is an HTTP client of any SCIM service: no server code.
  ['replay/run.ts', '../src/scim/protocol/user-mapper', CLIENT],
  ['replay/run.ts', '@mikro-orm/core', ORM],
];

const allowed: [file: string, source: string][] = [
  ['src/domain/sql.ts', '@mikro-orm/postgresql'],
  ['src/domain/users/user.service.ts', '../query/filter/parser'],
  ['src/db/orm.ts', '@mikro-orm/postgresql'],
  ['src/db/availability.ts', '../domain/sql'],
  ['src/scim/http/list-params.ts', '../../domain/query/filter/parser'],
  ['src/scim/resources/users/user.routes.ts', '../../http/body'],
  ['src/scim/router.ts', '../http/auth/usage'],
  ['src/scim/protocol/user-mapper.ts', '../../domain/users/user.types'],
  ['src/graphql/common/filters.ts', '../../domain/query/filter/parser'],
  ['src/http/graphql.ts', '../graphql/errors'],
  ['src/compose.ts', './db/orm'],
  ['src/compose.ts', './scim/router'],
  ['replay/run.ts', './http'],
];

describe('layer rules (eslint.config.mjs)', () => {
  it.each(banned)('%s may not import %s', async (file, source, ban) => {
    const messages = await restrictions(file, source);
    expect(messages.some((m) => ban.test(m))).toBe(true);
  });

  it.each(allowed)('%s may import %s', async (file, source) => {
    expect(await restrictions(file, source)).toEqual([]);
  });

  it('gives every layer file the whole set of its bans (no block replaces another)', async () => {
    // A protocol file carries the transport bans as well as its own.
    const protocol = 'src/scim/protocol/patch/path.ts';
    for (const [source, ban] of [
      ['@mikro-orm/postgresql', ORM],
      ['../../../db/orm', DB],
      ['../../../graphql/errors', GRAPHQL],
      ['../../../serve', ROOT_BAN],
      ['@koa/router', PURE],
    ] as const) {
      expect((await restrictions(protocol, source)).some((m) => ban.test(m))).toBe(true);
    }
  });
});
