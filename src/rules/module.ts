import { defineModule, ROLES } from '../platform/modules/contract.js';
import { changesOf, routesPlugin } from '../platform/modules/registry.js';
import { rulesMigrations } from './rules.migrations.js';
import type { RulesService } from './rules.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    rules: RulesService;
  }
}

export const rulesModule = defineModule<RulesService>({
  name: 'rules',
  migrations: rulesMigrations,
  roles: ROLES,
  async create({ database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { validateDroolsRule } = await import('./drools-command.js');
    const { registerRuleRoutes } = await import('./rules.routes.js');
    const { createRulesService, validateHardcodedRule, validateSpelRule } = await import('./rules.service.js');
    const rules = createRulesService({
      db: database.db,
      changes: changesOf(modules),
      validators: { SPEL: validateSpelRule, HARDCODED: validateHardcodedRule, DROOLS: validateDroolsRule },
    });
    return { api: rules, routes: routesPlugin((app) => registerRuleRoutes(app, rules)) };
  },
});
