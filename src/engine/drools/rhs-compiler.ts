/** Compiles RHS actions: each writes one field of the rule set's result. */
import { EngineError } from '../types.js';
import type { Action, ResultField } from './ast.js';
import { compileExpr, type Env, type Scope } from './expression-compiler.js';
import { FORBIDDEN_NAMES } from './tokens.js';
import { Budget, isNumeric, toDec, toOutput, typeName } from './values.js';

/** The PromotionResult-like record a rule set writes. */
export interface DroolsResult {
  eligible: boolean;
  promotionId: string | null;
  promotionName: string | null;
  promotionType: string | null;
  discountAmount: number | null;
  discountPercentage: number | null;
  description: string | null;
  additionalDetails: Record<string, unknown>;
}

export function emptyResult(): DroolsResult {
  return {
    eligible: false,
    promotionId: null,
    promotionName: null,
    promotionType: null,
    discountAmount: null,
    discountPercentage: null,
    description: null,
    additionalDetails: {},
  };
}

export type Effect = (env: Env, result: DroolsResult, budget: Budget) => void;

export function compileActions(actions: readonly Action[], scope: Scope): Effect {
  const effects = actions.flatMap((a) => {
    const e = compileAction(a, { ...scope, fact: undefined });
    return e === undefined ? [] : [e];
  });
  return (env, result, budget) => {
    for (const e of effects) e(env, result, budget);
  };
}

function compileAction(a: Action, scope: Scope): Effect | undefined {
  switch (a.kind) {
    case 'log':
      return undefined;
    case 'set': {
      const value = compileExpr(a.value, scope);
      const { field, pos } = a;
      return (env, result, budget) => {
        const v = value({ env, fact: null, budget });
        assign(result, field, v, pos);
      };
    }
    case 'put': {
      const key = compileExpr(a.key, scope);
      const value = compileExpr(a.value, scope);
      const pos = a.pos;
      return (env, result, budget) => {
        const frame = { env, fact: null, budget };
        const k = key(frame);
        if (typeof k !== 'string') throw new EngineError('TYPE_ERROR', `result.put needs a string key, got ${typeName(k)}`, pos);
        if (FORBIDDEN_NAMES.has(k)) throw new EngineError('NOT_SUPPORTED', `key '${k}' is not allowed`, pos);
        result.additionalDetails[k] = toOutput(value(frame));
      };
    }
  }
}

function assign(result: DroolsResult, field: ResultField, v: unknown, pos: Action['pos']): void {
  const wrong = (expected: string): never => {
    throw new EngineError('TYPE_ERROR', `result.${field} expects ${expected}, got ${typeName(v)}`, pos);
  };
  switch (field) {
    case 'eligible':
      if (typeof v !== 'boolean') wrong('a boolean');
      result.eligible = v as boolean;
      return;
    case 'discountAmount':
    case 'discountPercentage': {
      if (v === null || v === undefined) {
        result[field] = null;
        return;
      }
      if (!isNumeric(v)) return wrong('a number');
      // Money is BigDecimal in the original: HALF_UP at scale 2. The percentage is a Double.
      result[field] = field === 'discountAmount' ? (toOutput(toDec(v), 2) as number) : toDec(v).toNumber();
      return;
    }
    default:
      if (v !== null && v !== undefined && typeof v !== 'string') wrong('a string');
      result[field] = (v ?? null) as string | null;
  }
}
