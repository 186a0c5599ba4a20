// ESLint flat config. Besides the recommended rules, it enforces the dependency direction of
// STYLE.md: the core never imports a connector, and a connector imports only the SDK.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SRC_AREAS = ['api', 'config', 'http', 'intake', 'logging', 'metrics', 'model', 'store', 'server', 'start', 'main', 'errors'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scratch/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', setImmediate: 'readonly', clearTimeout: 'readonly', clearImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON bodies of any shape; `any` there is honest.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/connectors/*/**', '**/connectors/*/*', '!**/src/connectors/**'], message: 'The core never imports a connector: the registry loads connectors by id.' }] }],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!../model/**'], message: 'The canonical model depends on nothing else in src/.' }] }],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['src/store/create-store.ts', 'src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: SRC_AREAS.filter((a) => !['model', 'errors', 'store'].includes(a)).flatMap((a) => [`**/src/${a}/**`, `../${a}/**`, `../../${a}/**`, `../../${a}.ts`, `../${a}.ts`]), message: 'The store depends only on the model and the error catalogue.' }] }],
    },
  },
  {
    files: ['connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: SRC_AREAS.flatMap((a) => [`**/src/${a}/**`, `**/src/${a}.ts`]),
        message: 'A connector imports only the SDK (src/connectors/index.ts).',
      }, {
        group: ['**/src/connectors/*', '!**/src/connectors/index.ts'],
        message: 'Import the SDK through src/connectors/index.ts.',
      }] }],
    },
  },
);
