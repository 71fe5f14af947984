/**
 * The host commands (seed 002's Command Pattern): the tree nodes that reach outside the engine —
 * EXTERNAL_SYSTEM (the external module), DATABASE_QUERY (reference) and DROOLS_RULE (rules). They
 * are wired here, in the composition root, and handed to the trees module through the registry
 * (`modules.get('commands')`): a command records into the evaluation session, and evaluation
 * loads trees, so building them inside trees/ would close a cycle trees → external → evaluation →
 * trees. Listed in src/modules.ts after the three modules it uses, before trees.
 */
import type { TreeCompileOptions } from './engine/types.js';
import { createExternalSystemCommand } from './external/index.js';
import { pausingCommand } from './platform/deadline.js';
import { defineModule, ROLES } from './platform/modules/contract.js';
import { createDatabaseQueryCommand } from './reference/index.js';
import { createDroolsRuleCommand } from './rules/index.js';

export type HostCommands = NonNullable<TreeCompileOptions['commands']>;

declare module './platform/modules/contract.js' {
  interface ModuleApis {
    commands: HostCommands;
  }
}

export const commandsModule = defineModule<HostCommands>({
  name: 'commands',
  roles: ROLES,
  create({ config, modules }) {
    const commands: HostCommands = {
      // I/O commands pause the tree's deadline while they wait (src/platform/deadline.ts).
      EXTERNAL_SYSTEM: pausingCommand(createExternalSystemCommand({ systems: modules.get('external'), env: modules.get('overrides').secrets ?? process.env })),
      DATABASE_QUERY: pausingCommand(createDatabaseQueryCommand({ reference: modules.get('reference') })),
      DROOLS_RULE: createDroolsRuleCommand({ rules: modules.get('rules'), ttlMs: config.externalCacheTtlMs }),
    };
    return { api: commands };
  },
});
