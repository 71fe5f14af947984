/**
 * Banyan's module boundaries, checked by `npm run lint` (dependency-cruiser over src/).
 *
 * - src/<module>/ is a capability; another module reaches it only through its index.ts.
 * - src/platform/ and src/engine/ are shared layers any module may use; they use no module.
 * - The composition root (src/app.ts, src/modules.ts, src/migrations.ts, src/*\/module.ts) and the
 *   CLI (src/cli/) assemble modules and may reach inside them where stated below.
 * - Tests (test/, and *.test.ts next to the code) are not checked.
 */

/** Shared layers: not modules. */
const SHARED = '^src/(platform|engine)/';
/** Files that assemble modules (and so may reach inside them). */
const COMPOSITION_ROOT = ['^src/(app|modules|migrations|commands)\\.ts$', '^src/[^/]+/module\\.ts$', '^src/cli/'];

export default {
  forbidden: [
    {
      name: 'no-module-cycle',
      comment: 'No cycle between modules (folders): move the shared piece to its owner or to platform/, or invert it with a port passed at composition.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/', pathNot: SHARED },
      to: { circular: true },
    },
    {
      name: 'no-file-cycle',
      comment: 'No run-time cycle between files (a cycle closed by an `import type` is erased at compile time and allowed).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'module-public-api',
      comment: "A module uses another module only through that module's index.ts (its public API).",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: [SHARED, ...COMPOSITION_ROOT] },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', SHARED, '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-foreign-repository-or-tables',
      comment: "No module imports another module's repository, tables or migrations (only the migration list and the CLI gather migrations).",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: ['^src/(app|modules|migrations)\\.ts$', '^src/cli/'] },
      to: { path: '^src/[^/]+/.*\\.(repository|tables|migrations)\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'no-demo-in-production',
      comment: 'Demo data and seeding are reached only from the composition root, the CLI, the sandbox and the demo itself.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/demo/', '^src/sandbox/', '^src/cli/', '^src/(app|modules)\\.ts$'] },
      to: { path: '^src/demo/' },
    },
    {
      name: 'routes-call-services',
      comment: 'Routes call services only: no repository, no SQL builder.',
      severity: 'error',
      from: { path: '\\.routes\\.ts$' },
      to: { path: ['\\.repository\\.ts$', '^node_modules/kysely/'] },
    },
    {
      name: 'platform-uses-no-module',
      comment: 'platform/ is shared machinery: it depends on the engine at most, never on a module.',
      severity: 'error',
      from: { path: '^src/platform/' },
      // roles.ts is the process-wide table of what runs where (data, importing no module): platform's own modules (the outbox relay) read it too.
      to: { path: '^src/', pathNot: [SHARED, '^src/roles\\.ts$'] },
    },
    {
      name: 'engine-is-pure',
      comment: 'src/engine imports nothing outside itself but decimal.js, json-logic-engine and re2js; no node:* builtins.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { pathNot: ['^src/engine/', '^node_modules/(decimal\\.js|json-logic-engine|re2js)/'] },
    },
    {
      name: 'engine-no-builtins',
      comment: 'The engine is pure: no node:* (or bare) builtins.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo would otherwise hide a dependency from these rules).',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    exclude: { path: '\\.test\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
