/** Public API of the rules module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createRulesService, validateHardcodedRule, validateSpelRule, type RulesDeps, type RulesService, type RuleValidator } from './rules.service.js';
export { createDroolsRuleCommand, validateDroolsRule } from './drools-command.js';
export type { RuleInput, RuleView } from './rules.schema.js';
