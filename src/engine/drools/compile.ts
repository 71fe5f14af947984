import type { EvaluationBudget } from '../budget.js';
import { EngineError, type Diagnostic, type ExpressionLimits } from '../types.js';
import type { RuleDecl } from './ast.js';
import type { RuleCompileState, Scope } from './expression-compiler.js';
import { compileCe, type Matcher, type WorkingMemory } from './lhs-compiler.js';
import { parseDrl } from './parser.js';
import { compileActions, emptyResult, type DroolsResult, type Effect } from './rhs-compiler.js';
import { Budget } from './values.js';

export interface DrlCompileOptions {
  readonly limits?: ExpressionLimits;
}

export interface FireOptions {
  /** "Now" for `date-effective` / `date-expires`. Required: the engine reads no clock. */
  readonly now: Date;
  /** Only rules with this name (or `package.name`, or the package name for all its rules). */
  readonly ruleName?: string;
  /** The host's shared budget: past its deadline, firing throws EVALUATION_BUDGET_EXCEEDED. */
  readonly budget?: EvaluationBudget;
}

export interface FireResult {
  /** Rule names in firing order (salience descending, then declaration order). */
  readonly fired: readonly string[];
  /** The highest-salience rule that fired (the first fired), or null. */
  readonly winner: string | null;
  /** The result after every firing: later (lower-salience) writes overwrite earlier ones. */
  readonly result: DroolsResult;
  readonly matched: boolean;
}

export interface RuleInfo {
  readonly name: string;
  readonly salience: number;
  readonly enabled: boolean;
  /** Customer fields the rule reads (root names). */
  readonly fields: readonly string[];
}

export interface CompiledRuleSet {
  readonly packageName: string | undefined;
  readonly rules: readonly RuleInfo[];
  /** Does `ruleName` select any rule (see FireOptions.ruleName)? */
  has(ruleName: string): boolean;
  /** Customer fields read by the selected rules (all rules without a name). */
  fieldsOf(ruleName?: string): readonly string[];
  /** Throws EngineError (LIMIT_EXCEEDED, TYPE_ERROR, EVALUATION_ERROR, INVALID_PARAMETER). */
  fire(customer: Readonly<Record<string, unknown>>, options: FireOptions): FireResult;
}

const DEFAULTS = { maxSourceLength: 100_000, maxDepth: 64, maxSteps: 100_000, maxCollectionSize: 100_000 } as const;

interface CompiledRule {
  readonly decl: RuleDecl;
  readonly index: number;
  readonly info: RuleInfo;
  readonly when: Matcher;
  readonly then: Effect;
}

/**
 * Compile DRL text (the subset in docs/drools.md) to a rule set. Throws EngineError with every
 * diagnostic found (positions are 1-based line/column).
 */
export function compileDrl(source: string, options: DrlCompileOptions = {}): CompiledRuleSet {
  const limits = { ...DEFAULTS, ...options.limits };
  if (typeof source !== 'string') throw new EngineError('INVALID_PARAMETER', 'DRL source must be a string');
  if (source.length > limits.maxSourceLength) {
    throw new EngineError('LIMIT_EXCEEDED', `DRL source longer than ${limits.maxSourceLength} characters`);
  }
  const { file, diagnostics } = parseDrl(source, limits.maxDepth);
  const problems: Diagnostic[] = [...diagnostics];
  const rules: CompiledRule[] = [];
  file.rules.forEach((decl, index) => {
    try {
      rules.push(compileRule(decl, index));
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      problems.push(...err.diagnostics);
    }
  });
  const first = problems[0];
  if (first) throw new EngineError(first.code, first.message, first.position, problems);
  if (rules.length === 0) throw new EngineError('SYNTAX_ERROR', 'DRL source defines no rule');

  const order = [...rules].sort((a, b) => b.info.salience - a.info.salience || a.index - b.index);
  const pkg = file.packageName;
  const selects = (name: string | undefined, r: CompiledRule): boolean =>
    name === undefined || r.info.name === name || (pkg !== undefined && (name === pkg || name === `${pkg}.${r.info.name}`));

  return {
    packageName: pkg,
    rules: rules.map((r) => r.info),
    has: (name) => rules.some((r) => selects(name, r)),
    fieldsOf: (name) => [...new Set(rules.filter((r) => selects(name, r)).flatMap((r) => r.info.fields))].sort(),
    fire(customer, fireOptions) {
      if (typeof customer !== 'object' || customer === null || Array.isArray(customer)) {
        throw new EngineError('INVALID_PARAMETER', 'customer must be an object');
      }
      const { ruleName } = fireOptions;
      if (ruleName !== undefined && !rules.some((r) => selects(ruleName, r))) {
        throw new EngineError('INVALID_PARAMETER', `no rule named "${ruleName}"`);
      }
      const now = fireOptions.now;
      fireOptions.budget?.spend(1);
      const history = Object.hasOwn(customer, 'transactionHistory') ? customer['transactionHistory'] : undefined;
      const wm: WorkingMemory = {
        customer,
        transactions: Array.isArray(history) ? history.filter((t) => typeof t === 'object' && t !== null) : [],
        budget: new Budget(limits.maxSteps, limits.maxCollectionSize, fireOptions.budget),
      };
      // RHS actions only write the result, never facts, so every activation can be found before
      // the first firing: the agenda is then exactly Drools' (salience, then load order).
      const agenda: { rule: CompiledRule; env: readonly unknown[] }[] = [];
      for (const rule of order) {
        if (!selects(ruleName, rule) || !isActive(rule.decl, now)) continue;
        for (const env of rule.when([], wm)) {
          agenda.push({ rule, env });
          break; // one firing per rule per evaluation (see docs/drools.md)
        }
      }
      const result = emptyResult();
      const fired: string[] = [];
      const groupsFired = new Set<string>();
      for (const { rule, env } of agenda) {
        const group = rule.decl.attributes.activationGroup;
        if (group !== undefined) {
          if (groupsFired.has(group)) continue;
          groupsFired.add(group);
        }
        rule.then(env, result, wm.budget);
        fired.push(rule.info.name);
      }
      return { fired, winner: fired[0] ?? null, result, matched: fired.length > 0 };
    },
  };
}

function compileRule(decl: RuleDecl, index: number): CompiledRule {
  const state: RuleCompileState = { slots: 0, fields: new Set() };
  const scope: Scope = { vars: new Map(), fact: undefined, rule: state };
  const when = compileCe(decl.when, scope);
  const then = compileActions(decl.then, scope);
  const { salience, enabled } = decl.attributes;
  return { decl, index, when, then, info: { name: decl.name, salience, enabled, fields: [...state.fields].sort() } };
}

function isActive(decl: RuleDecl, now: Date): boolean {
  const { enabled, dateEffective, dateExpires } = decl.attributes;
  if (!enabled) return false;
  if (dateEffective !== undefined && now.getTime() < dateEffective.getTime()) return false;
  return dateExpires === undefined || now.getTime() < dateExpires.getTime();
}

/** Check DRL text; never throws. An empty list means it compiles. */
export function validateDrl(source: string, options: DrlCompileOptions = {}): Diagnostic[] {
  try {
    compileDrl(source, options);
    return [];
  } catch (err) {
    if (err instanceof EngineError) return [...err.diagnostics];
    return [{ code: 'EVALUATION_ERROR', message: err instanceof Error ? err.message : String(err) }];
  }
}
