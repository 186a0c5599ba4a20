// ESLint flat config: the recommended rules (not type-checked, to stay fast), plus the dependency
// direction of STYLE.md as `no-restricted-imports` rules, per folder:
//   src/**          never imports connectors/ (the registry loads connectors by path at runtime)
//   src/model/**    imports nothing else of Parley's but src/errors.ts
//   src/store/**    imports only src/model/, src/errors.ts, its own folder and the outbox's pure
//                   rules (src/outbox/rules/, shared by every store: ARCHITECTURE.md, Storage)
//   src/outbox/rules/**  imports only src/model/, src/errors.ts, src/store/store.ts and its own folder
//   connectors/**   imports only the SDK barrel src/connectors/index.ts and files of its own folder
//   examples/<name>/**  (plugin packages, as a vendor writes them) imports only `parley/sdk`,
//                   `parley/testing`, other packages and files of its own package folder
// test/lint-rules.test.ts shows each of these bites.
//
// The rule matches the import specifier as written, not the resolved file, and `../connectors/`
// means src/connectors (the SDK) in one folder and the root connectors/ in another. So the rules are
// made per depth: a file N folders below src/ reaches the repository root with exactly N+1 `../`.
// A regex with a negative look-ahead then says "leaves this folder, except to go to X" exactly,
// which gitignore-style `group` patterns cannot (a negation cannot re-include below an excluded folder).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Deepest nesting the per-depth rules cover (src/store/sqlite/migrations/x.ts is 3). */
const MAX_DEPTH = 8;
const SOURCE_FILES = '*.{ts,mts,js,mjs}';

/** Exactly `n` leading `../` segments, as a regex fragment. */
const up = (n) => `(?:\\.\\./){${n}}`;
/** Glob for the files exactly `depth` folders below `folder`. */
const filesAt = (folder, depth) => [`${folder}/${'*/'.repeat(depth)}${SOURCE_FILES}`];
const depths = (from) => Array.from({ length: MAX_DEPTH - from + 1 }, (_, i) => from + i);
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

// `depth` counts folders below src/ (src/server.ts: 0, src/intake/x.ts: 1).
const coreRule = (depth) => ({
  regex: `^${up(depth + 1)}connectors(?:/|$)`,
  message: 'The core never imports a connector: the registry loads connectors by id (STYLE.md, Dependency direction).',
});
const modelRule = (depth) => ({
  regex: `^${up(depth)}(?!model/|errors\\.ts$)`,
  message: 'src/model/ depends on nothing else in Parley but src/errors.ts (STYLE.md, Dependency direction).',
});
const storeRule = (depth) => ({
  regex: `^${up(depth)}(?!model/|store/|outbox/rules/|errors\\.ts$)`,
  message: 'src/store/ depends only on src/model/, src/errors.ts and the outbox\'s rules in src/outbox/rules/ (STYLE.md, Dependency direction; ARCHITECTURE.md, Storage).',
});
// `depth` counts folders below src/ (src/outbox/rules/x.ts: 2).
const rulesRule = (depth) => ({
  regex: `^${up(depth)}(?!model/|store/store\\.ts$|errors\\.ts$|outbox/rules/)`,
  message: 'The outbox\'s rules are pure: they depend only on src/model/, src/errors.ts and src/store/store.ts\'s types.',
});
// `depth` counts folders below connectors/ (connectors/x/verify.ts: 1); `up(depth)` leaves the connector's folder.
const connectorRule = (depth) => ({
  regex: depth === 0 ? `^\\.\\./(?!src/connectors/index\\.ts$)` : `^${up(depth)}(?!\\.\\./src/connectors/index\\.ts$)`,
  message: 'A connector imports only the SDK, through src/connectors/index.ts, and files of its own folder.',
});
// A vendor family's shared library (a folder of connectors/ without index.ts, so not a connector):
// the connectors of that family may import it too. Meta's Graph webhooks (signature, handshake,
// envelope, Messenger-style messaging) are one wire format for Facebook and Instagram.
const FAMILIES = { meta: ['facebook', 'instagram'] };
// Parley's public entry points are `parley/sdk` and `parley/testing` (package.json "exports"); any
// other `parley…` specifier reaches into its internals. Applies to connectors and examples.
const parleyInternalsRule = {
  regex: '^parley(?:$|/(?!sdk$|testing$))',
  message: 'Parley is imported only through its public entry points, parley/sdk and parley/testing.',
};
// `depth` counts folders below examples/<name>/ (examples/x/src/index.ts: 1); `up(depth + 1)` leaves the
// package. An example is a plugin as a vendor keeps it, in a repository of their own: it cannot reach
// src/ or connectors/ by path, so it must not here either.
const exampleRule = (depth) => ({
  regex: `^(?:${up(depth + 1)}|/)`,
  message: 'An example plugin imports Parley only as parley/sdk and parley/testing, and by path only files of its own package.',
});
const familyRule = (depth, family) => ({
  regex: `^${up(depth)}(?!\\.\\./src/connectors/index\\.ts$|${family}/)`,
  message: `A connector imports only the SDK, through src/connectors/index.ts, files of its own folder and its family's library (connectors/${family}/).`,
});

// Node's globals, for the few plain .js/.mjs files (TypeScript checks names in .ts files itself).
const NODE_GLOBALS = Object.fromEntries([
  'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'fetch', 'performance', 'structuredClone', 'queueMicrotask',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'AbortController', 'TextEncoder', 'TextDecoder',
].map((name) => [name, 'readonly']));

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scratch/**', 'data/**', 'examples/*/dist/**', 'test/fixtures/plugins/*/dist/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: NODE_GLOBALS },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Cross-module tests read JSON bodies of any shape; `any` there is honest. src/ and connectors/
    // keep the rule, their tests included.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**'],
    rules: { 'no-console': 'error' },
  },
  // Later blocks replace the options of earlier ones for the same file, so the model and store
  // rules (which forbid leaving src/ altogether) come after the core rule.
  ...depths(0).map((d) => ({ files: filesAt('src', d), rules: restrict(coreRule(d)) })),
  ...depths(1).map((d) => ({ files: filesAt('src/model', d - 1), rules: restrict(modelRule(d)) })),
  ...depths(1).map((d) => ({ files: filesAt('src/store', d - 1), rules: restrict(storeRule(d)) })),
  ...depths(2).map((d) => ({ files: filesAt('src/outbox/rules', d - 2), rules: restrict(rulesRule(d), coreRule(d)) })),
  {
    // The factory that picks an implementation from the config is wiring, not a store: it may read
    // the config's type. The implementations themselves stay free of it.
    files: ['src/store/create-store.ts'],
    rules: restrict(coreRule(1)),
  },
  ...depths(0).map((d) => ({ files: filesAt('connectors', d), rules: restrict(connectorRule(d), parleyInternalsRule) })),
  ...Object.entries(FAMILIES).flatMap(([family, members]) => depths(1).map((d) => ({
    files: members.flatMap((member) => filesAt(`connectors/${member}`, d - 1)), rules: restrict(familyRule(d, family), parleyInternalsRule),
  }))),
  ...depths(0).map((d) => ({ files: filesAt('examples/*', d), rules: restrict(exampleRule(d), parleyInternalsRule) })),
);
