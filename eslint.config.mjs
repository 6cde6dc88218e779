import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
  {
    // Transports talk to domain services only; the ORM stays behind src/domain and src/db (CONVENTIONS: layers).
    files: ['src/scim/**/*.ts', 'src/graphql/**/*.ts', 'src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@mikro-orm/*'],
              message: 'Transports call domain services; only src/domain and src/db use the ORM.',
            },
            {
              group: ['**/db/*', '../db', '../../db'],
              message: 'Transports reach the database through src/domain.',
            },
          ],
        },
      ],
    },
  },
  {
    // The SCIM protocol layer is pure: no Koa, no ORM, no domain services.
    files: ['src/scim/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['koa', '@koa/*', '@mikro-orm/*', '**/domain/**/*.service'],
              message: 'src/scim/protocol stays pure.',
            },
          ],
        },
      ],
    },
  },
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
