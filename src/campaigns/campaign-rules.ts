/**
 * A campaign's four rules, compiled by the engine. Pure: no I/O. The reward formula runs in decimal
 * money mode (`event.amount * 0.015` is exact). Conditions run in the default mode: the merged
 * engine's JSONLogic decimal mode has no decimal comparison operators yet (`>=` on a Decimal gives
 * NaN), and a condition only compares; switch them to decimal mode once the engine has them.
 *
 * Evaluation root: `{ player: { id, ...attributes }, event: { id, type, occurredAt, ...data },
 * campaign: { id, currency, rewardType } }`.
 */
import { compileExpression, isDecimal, validateExpression } from '../engine/index.js';
import type { EvaluationBudget } from '../engine/index.js';
import type { CompiledExpression, Diagnostic } from '../engine/types.js';
import type { FieldError } from '../platform/errors.js';
import type { RuleSpec } from './campaigns.schema.js';

export const RULE_NAMES = ['visibilityRule', 'participationRule', 'eligibilityRule', 'rewardFormula'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export type CampaignRules = Partial<Record<RuleName, RuleSpec | null | undefined>>;

function toFieldErrors(name: RuleName, diagnostics: readonly Diagnostic[]): FieldError[] {
  return diagnostics.map((d) => {
    const where = d.path ? ` at ${d.path}` : d.position ? ` at line ${d.position.line}, column ${d.position.column}` : '';
    return {
      field: name,
      code: d.code,
      message: `${name}: ${d.message}${d.path && d.message.includes(d.path) ? '' : where}`,
      ...(d.path ? { path: d.path } : {}),
      ...(d.position ? { position: { line: d.position.line, column: d.position.column, offset: d.position.offset } } : {}),
    };
  });
}

/** Every problem in every rule, each naming the rule and where in it (JSON path or line:column). */
export function validateCampaignRules(rules: CampaignRules): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of RULE_NAMES) {
    const spec = rules[name];
    if (!spec) continue;
    if (spec.language === 'spel' && typeof spec.rule !== 'string') {
      errors.push({ field: name, code: 'TYPE_ERROR', message: `${name}: a SpEL rule must be a string` });
      continue;
    }
    if (spec.rule === undefined) {
      errors.push({ field: name, code: 'SYNTAX_ERROR', message: `${name}: rule is required` });
      continue;
    }
    errors.push(...toFieldErrors(name, validateExpression(spec.rule, { language: spec.language ?? 'jsonlogic', decimal: name === 'rewardFormula' })));
  }
  return errors;
}

export interface CompiledCampaignRules {
  readonly visibility: CompiledExpression | null;
  readonly participation: CompiledExpression | null;
  readonly eligibility: CompiledExpression | null;
  readonly formula: CompiledExpression;
}

const compile = (spec: RuleSpec, decimal = false): CompiledExpression => compileExpression(spec.rule, { language: spec.language ?? 'jsonlogic', decimal });

/** The stored form: language always explicit. */
export const normalizeRule = (spec: RuleSpec | null | undefined): RuleSpec | null =>
  spec ? { language: spec.language ?? 'jsonlogic', rule: spec.rule } : null;

/** Compiles validated rules (throws EngineError if they do not compile). */
export function compileCampaignRules(rules: CampaignRules & { rewardFormula: RuleSpec }): CompiledCampaignRules {
  return {
    visibility: rules.visibilityRule ? compile(rules.visibilityRule) : null,
    participation: rules.participationRule ? compile(rules.participationRule) : null,
    eligibility: rules.eligibilityRule ? compile(rules.eligibilityRule) : null,
    formula: compile(rules.rewardFormula, true),
  };
}

/** JSONLogic truthiness, with decimal zero false (decimal mode hands back Decimal numbers). */
export function truthy(value: unknown): boolean {
  if (isDecimal(value)) return !value.isZero();
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** A condition: absent means "everyone". `budget` bounds its work in time (EVALUATION_BUDGET_EXCEEDED). */
export function holds(rule: CompiledExpression | null, root: unknown, now: Date, budget?: EvaluationBudget): boolean {
  return rule === null || truthy(rule.evaluate(root, undefined, budget === undefined ? { now } : { now, budget }));
}
