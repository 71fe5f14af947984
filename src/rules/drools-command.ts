/**
 * DROOLS_RULE nodes (`{ commandType: 'DROOLS_RULE', ruleName }`) backed by the ACTIVE DROOLS rows of
 * promotion_rules. `ruleName` names a row (all of its rules fire, salience decides) or a rule
 * inside one (`rule "…"`, or `package.rule`). Compiled rule sets are cached and dropped when a
 * rule changes (onChange) or after `ttlMs` (other processes' writes).
 */
import { compileDrl, createDroolsCommand, type CompiledRuleSet } from '../engine/index.js';
import { EngineError, type CommandHandler, type Diagnostic } from '../engine/types.js';
import { outsideDeadline } from '../platform/deadline.js';
import type { RulesService, RuleValidator } from './rules.service.js';

/** The DROOLS validator for the rules service: a bad DRL is rejected at write time with line/column. */
export const validateDroolsRule: RuleValidator = (content): readonly Diagnostic[] => {
  try {
    compileDrl(content);
    return [];
  } catch (error) {
    if (error instanceof EngineError) return error.diagnostics.map((d) => ({ ...d, field: 'ruleContent' }));
    throw error;
  }
};

/** Every rule of the set fires regardless of the name asked for (the row's name selected it). */
function wholeSet(set: CompiledRuleSet): CompiledRuleSet {
  return {
    packageName: set.packageName,
    rules: set.rules,
    has: () => true,
    fieldsOf: () => set.fieldsOf(),
    fire: (customer, options) => set.fire(customer, { now: options.now, ...(options.budget ? { budget: options.budget } : {}) }),
  };
}

export interface DroolsNodeDeps {
  readonly rules: RulesService;
  readonly ttlMs: number;
  readonly now?: () => Date;
}

export function createDroolsRuleCommand(deps: DroolsNodeDeps): CommandHandler {
  let cache: { byRow: Map<string, CompiledRuleSet>; at: number } | undefined;
  let loading: Promise<Map<string, CompiledRuleSet>> | undefined;
  deps.rules.onChange(() => {
    cache = undefined;
  });

  async function ruleSets(): Promise<Map<string, CompiledRuleSet>> {
    if (cache && Date.now() - cache.at <= deps.ttlMs) return cache.byRow;
    loading ??= deps.rules
      .activeOfType('DROOLS')
      .then((rows) => {
        const byRow = new Map<string, CompiledRuleSet>();
        // Rows were validated on write; one that no longer compiles (engine upgrade) is skipped, not fatal.
        for (const row of rows) {
          try {
            byRow.set(row.name, compileDrl(row.ruleContent));
          } catch (error) {
            if (!(error instanceof EngineError)) throw error;
          }
        }
        cache = { byRow, at: Date.now() };
        return byRow;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  const lookup =
    (sets: Map<string, CompiledRuleSet>) =>
    (ruleName: string): CompiledRuleSet | undefined => {
      const row = sets.get(ruleName);
      if (row) return wholeSet(row);
      for (const set of sets.values()) if (set.has(ruleName)) return set;
      return undefined;
    };

  return {
    async execute(node, context) {
      // Loading rule sets is I/O: it does not count against the tree's deadline; firing does.
      const sets = await outsideDeadline(context.budget, ruleSets);
      return createDroolsCommand(lookup(sets), deps.now ? { now: deps.now } : {}).execute(node, context);
    },
  };
}
