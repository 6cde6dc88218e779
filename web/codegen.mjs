// Typed GraphQL operations for the console: the client preset of GraphQL Code Generator, run on
// the committed schema.graphql and the operations in web/src/operations/*.graphql, writes
// web/src/gql/. `--check` writes nothing and fails when the committed files are out of date
// (npm run check). The preset is driven directly rather than through @graphql-codegen/cli, whose
// URL and GitHub schema loaders need Node 22.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preset } from '@graphql-codegen/client-preset';
import { codegen } from '@graphql-codegen/core';
import { buildSchema, parse } from 'graphql';
import prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = 'web/src/gql/';
const opsDir = path.join(root, 'web/src/operations');
const check = process.argv.includes('--check');

// CODEGEN_SCHEMA: another SDL file, to try operations against a schema not yet committed.
const sdl = readFileSync(process.env.CODEGEN_SCHEMA ?? path.join(root, 'schema.graphql'), 'utf8');
const documents = readdirSync(opsDir)
  .filter((f) => f.endsWith('.graphql'))
  .sort()
  .map((f) => {
    const rawSDL = readFileSync(path.join(opsDir, f), 'utf8');
    return { location: `web/src/operations/${f}`, rawSDL, document: parse(rawSDL) };
  });

const config = {
  useTypeImports: true,
  documentMode: 'string',
  enumsAsTypes: true,
  scalars: { DateTimeISO: 'string', JSON: 'unknown' },
};
const outputs = await preset.buildGeneratesSection({
  baseOutputDir: out,
  presetConfig: { fragmentMasking: false },
  plugins: [],
  pluginMap: {},
  schema: parse(sdl),
  schemaAst: buildSchema(sdl),
  documents,
  config,
  pluginContext: {},
  documentTransforms: [],
});

const prettierConfig = await prettier.resolveConfig(path.join(root, out, 'graphql.ts'));
let stale = [];
for (const output of outputs) {
  const content = await prettier.format(await codegen({ ...output, pluginContext: {} }), {
    ...prettierConfig,
    parser: 'typescript',
  });
  const file = path.join(root, output.filename);
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) stale.push(output.filename);
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
if (stale.length > 0) {
  console.error(`Generated GraphQL types are out of date (${stale.join(', ')}): run npm run codegen`);
  process.exit(1);
}
console.log(check ? 'Generated GraphQL types are up to date.' : `Wrote ${outputs.length} files to ${out}`);
