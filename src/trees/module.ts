import type { TreeCompileOptions } from '../engine/types.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { changesOf, routesPlugin } from '../platform/modules/registry.js';
import { treesMigrations } from './trees.migrations.js';
import type { TreesService } from './trees.service.js';

export interface TreesApi {
  readonly service: TreesService;
  /** What trees compile with: the host commands (the nodes that reach outside the engine). */
  readonly compileOptions: () => TreeCompileOptions;
}

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    trees: TreesApi;
  }
}

/** Decision trees, compiled with the host commands (src/commands.ts: external, reference and rules). */
export const treesModule = defineModule<TreesApi>({
  name: 'trees',
  migrations: treesMigrations,
  roles: ROLES,
  async create({ database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { createReferenceValidator } = await import('./node-references.js');
    const { registerTreeRoutes } = await import('./trees.routes.js');
    const { createTreesService } = await import('./trees.service.js');
    const systems = modules.get('external');
    const reference = modules.get('reference');
    const rules = modules.get('rules');
    // Host commands: the nodes that reach outside the engine (seed 002's Command Pattern), wired in src/commands.ts.
    const commands = modules.get('commands');
    const compileOptions = (): TreeCompileOptions => ({ commands });
    const validateReferences = createReferenceValidator({
      externalSystem: async (name) => (await systems.resolve(name)) !== undefined,
      namedQuery: async (name) => (await reference.resolveQuery(name)) !== undefined,
      droolsRules: async () => (await rules.activeOfType('DROOLS')).map((r) => ({ name: r.name, content: r.ruleContent })),
    });
    const trees = createTreesService({ db: database.db, changes: changesOf(modules), compileOptions, validateReferences });
    return { api: { service: trees, compileOptions }, routes: routesPlugin((app) => registerTreeRoutes(app, trees)) };
  },
});
