import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// ---------------------------------------------------------------------------------------------
// Layers (docs/ARCHITECTURE.md). Import sources are matched as written, so a ban on another
// layer is a relative path climbing out of this one: `(../)+db`, `(../)+scim`, ...
//
// In a flat config, a later block that sets `no-restricted-imports` for a file REPLACES the rule
// set by an earlier block for that file: bans do not add up. So each file set below is disjoint
// from the others and carries the union of its bans, built from the constants here; nothing else
// in this file sets the rule. test/unit/layers.test.ts proves every ban fires.
// ---------------------------------------------------------------------------------------------

const up = (folders) => ({ regex: `^(?:\\.\\./)+(?:${folders.join('|')})(?:/|$)` });

const ORM = {
  group: ['@mikro-orm/*'],
  message: 'Only src/domain and src/db use MikroORM; the session type is DbSession (src/domain/context.ts).',
};
const DB = {
  ...up(['db']),
  message: 'Only the composition root (src/main.ts, compose.ts, serve.ts) and src/db itself import src/db.',
};
const TRANSPORTS = {
  ...up(['scim', 'graphql', 'http']),
  message:
    'The domain and src/db know no transport: src/scim, src/graphql and src/http import them, never the reverse.',
};
const TRANSPORT_PACKAGES = {
  group: ['koa', '@koa/*', 'graphql', 'type-graphql', '@apollo/*', '@as-integrations/*'],
  message: 'The domain knows no HTTP and no GraphQL.',
};
const SCIM = {
  ...up(['scim']),
  message: 'GraphQL does not import SCIM: what both need lives in src/domain.',
};
const GRAPHQL = {
  ...up(['graphql']),
  message: 'SCIM does not import GraphQL: what both need lives in src/domain.',
};
const COMPOSITION_ROOT = {
  ...up(['main', 'compose', 'serve']),
  message: 'Nothing imports the composition root (src/main.ts, compose.ts, serve.ts): it imports the layers.',
};
const PROTOCOL_PURE = {
  group: ['koa', '@koa/*', '**/domain/**/*.service'],
  message: 'src/scim/protocol stays pure: no Koa, no ORM, no domain services.',
};

/** One block per file set: `no-restricted-imports` with every ban of that set. */
const layer = (files, bans, ignores = []) => ({
  files,
  ...(ignores.length > 0 ? { ignores } : {}),
  rules: { 'no-restricted-imports': ['error', { patterns: bans }] },
});

const layers = [
  layer(['src/domain/**/*.ts'], [DB, TRANSPORTS, TRANSPORT_PACKAGES, COMPOSITION_ROOT]),
  layer(['src/db/**/*.ts'], [TRANSPORTS, COMPOSITION_ROOT]),
  layer(['src/scim/**/*.ts'], [ORM, DB, GRAPHQL, COMPOSITION_ROOT], ['src/scim/protocol/**']),
  layer(['src/scim/protocol/**/*.ts'], [ORM, DB, GRAPHQL, COMPOSITION_ROOT, PROTOCOL_PURE]),
  layer(['src/graphql/**/*.ts'], [ORM, DB, SCIM, COMPOSITION_ROOT]),
  layer(['src/http/**/*.ts'], [ORM, DB, COMPOSITION_ROOT]),
  // The composition root wires src/db, the domain and the transports; it needs no MikroORM import
  // of its own (the Orm type comes from src/db/orm.ts). Nor do the out-of-process harnesses.
  layer(['src/*.ts', 'bench/**/*.ts', 'faults/**/*.ts'], [ORM]),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'src/graphql/ide/assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
    },
  },
  ...layers,
  {
    // Decorator metadata (type-graphql) needs these imports at run time.
    files: ['src/graphql/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
