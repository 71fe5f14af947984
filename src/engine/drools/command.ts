import { EngineError, type CommandHandler, type CommandOutcome } from '../types.js';
import type { CompiledRuleSet } from './compile.js';

export interface DroolsCommandOptions {
  /** "Now" for date-effective/date-expires; default: the tree evaluation's `now` (ExecutionContext.now). */
  readonly now?: () => Date;
}

/**
 * The DROOLS_RULE command for decision-tree nodes (`{ commandType: 'DROOLS_RULE', ruleName }`):
 * fires the named rule(s) against the customer; the node matches when a rule fired.
 */
export function createDroolsCommand(lookup: (ruleName: string) => CompiledRuleSet | undefined, options: DroolsCommandOptions = {}): CommandHandler {
  return {
    execute(node, context): CommandOutcome {
      const ruleName = node.configuration['ruleName'];
      if (typeof ruleName !== 'string' || ruleName.trim() === '') {
        throw new EngineError('INVALID_PARAMETER', `node ${node.nodeId}: DROOLS_RULE needs configuration.ruleName`, undefined, [
          { code: 'INVALID_PARAMETER', message: 'ruleName is required', nodeId: node.nodeId, field: 'configuration.ruleName' },
        ]);
      }
      const ruleSet = lookup(ruleName);
      if (ruleSet === undefined || !ruleSet.has(ruleName)) {
        throw new EngineError('INVALID_PARAMETER', `node ${node.nodeId}: no Drools rule named "${ruleName}"`, undefined, [
          { code: 'INVALID_PARAMETER', message: `unknown rule "${ruleName}"`, nodeId: node.nodeId, field: 'configuration.ruleName' },
        ]);
      }
      const { customer } = context;
      const input: Record<string, unknown> = {};
      for (const field of ruleSet.fieldsOf(ruleName)) {
        if (Object.hasOwn(customer, field)) input[field] = customer[field];
      }
      const fire = ruleSet.fire(customer, { ruleName, now: options.now ? options.now() : context.now, ...(context.budget ? { budget: context.budget } : {}) });
      return { matched: fire.matched, output: { fired: fire.fired, winner: fire.winner, result: fire.result }, input };
    },
  };
}
