import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLInputObjectType } from 'graphql';
import { listAttributes, resolveAttribute } from '../../src/domain/query/registry';
import { attrPath } from '../../src/graphql/common/filters';
import { createSchema } from '../../src/graphql/schema';
import { USER_TEXT_FIELDS } from '../../src/graphql/users/user.filter';

const FILE = path.join(__dirname, '..', '..', 'schema.graphql');

describe('schema.graphql', () => {
  it('matches the schema the resolvers emit (UPDATE_SCHEMA=1 rewrites it)', async () => {
    const sdl = `${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(FILE, sdl);
    let committed = '';
    try {
      committed = readFileSync(FILE, 'utf8');
    } catch {
      // missing file: the comparison below fails with the whole schema as the diff
    }
    expect(sdl).toBe(committed);
  });
});

describe('typed filters and the attribute registry', () => {
  it('name filter fields as the registry does, and every filter path resolves in it', async () => {
    const schema = await createSchema();
    for (const [kind, input] of [
      ['User', 'UserFilter'],
      ['Group', 'GroupFilter'],
    ] as const) {
      const fields = (schema.getType(input) as GraphQLInputObjectType).getFields();
      for (const attr of listAttributes(kind)) {
        if (attr.kind === 'scalar' && attr.graphqlField)
          expect(`${input}.${attr.graphqlField}`).toBe(`${input}.${fields[attr.graphqlField]?.name}`);
      }
    }
    for (const path of Object.values(USER_TEXT_FIELDS)) {
      expect(() => resolveAttribute('User', attrPath(path))).not.toThrow();
    }
  });
});
