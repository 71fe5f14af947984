import { changesOf } from '../audit/module.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { validateDroolsRule } from './drools-command.js';
import { rulesMigrations } from './rules.migrations.js';
import { registerRuleRoutes } from './rules.routes.js';
import { createRulesService, validateHardcodedRule, validateSpelRule, type RulesService } from './rules.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    rules: RulesService;
  }
}

export const rulesModule = defineModule<RulesService>({
  name: 'rules',
  migrations: rulesMigrations,
  roles: ROLES,
  create({ database, modules }) {
    const rules = createRulesService({ db: database.db, changes: changesOf(modules), validators: { SPEL: validateSpelRule, HARDCODED: validateHardcodedRule, DROOLS: validateDroolsRule } });
    return { api: rules, routes: routesPlugin((app) => registerRuleRoutes(app, rules)) };
  },
});
