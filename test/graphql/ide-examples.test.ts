import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSchema } from '../../src/graphql/schema';
import { IDE_EXAMPLES } from '../../web/src/ide/examples';

// The GraphQL IDE's example tabs (web/src/ide/examples.ts): each must stay a valid operation whose
// variables coerce, against the schema the resolvers emit and the committed schema.graphql, so a
// schema change cannot leave the IDE opening with broken examples.
describe('the GraphQL IDE examples', () => {
  const committed = buildSchema(readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));

  it('cover the three audiences', () => {
    expect(IDE_EXAMPLES.map((e) => e.title)).toEqual([
      'Who is this user, and may they do X?',
      'Who is in this group, and why?',
      'What did Entra do in the last hour?',
    ]);
  });

  it.each(IDE_EXAMPLES.map((e) => [e.title, e] as const))(
    '%s validates against the schema',
    async (_, example) => {
      const built = await createSchema();
      const document = parse(example.query);
      const operations = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
      );
      expect(operations).toHaveLength(1);
      const variables = example.variables(new Date('2026-01-01T12:00:00Z'));
      for (const schema of [built, committed]) {
        expect(validate(schema, document).map((e) => e.message)).toEqual([]);
        const coerced = getVariableValues(schema, operations[0]!.variableDefinitions ?? [], variables);
        expect(coerced.errors?.map((e) => e.message)).toBeUndefined();
      }
      // Every variable given is one the operation declares (a renamed one would be silently ignored).
      const declared = (operations[0]!.variableDefinitions ?? []).map((v) => v.variable.name.value).sort();
      expect(Object.keys(variables).sort()).toEqual(declared);
    },
  );

  it('asks the provisioning log for the hour before now', () => {
    const entra = IDE_EXAMPLES[2]!;
    expect(entra.variables(new Date('2026-01-01T12:00:00Z'))).toEqual({ since: '2026-01-01T11:00:00.000Z' });
  });
});
