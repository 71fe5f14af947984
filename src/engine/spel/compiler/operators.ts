import { RE2JS } from 're2js';
import type { BinaryNode, ElvisNode, TernaryNode, UnaryNode } from '../ast/nodes.js';
import { banyanFault, fault, spelError } from '../errors.js';
import { arithmetic, isNumeric, negate, power, toDecimal, type ArithmeticOperator } from '../runtime/numbers.js';
import { asEntries, asIterable, concatText, javaString, spelCompare, spelEquals, typeName } from '../runtime/values.js';
import type { Compile } from './compile.js';
import { MAX_MATCH_INPUT, matchUnits, sizeUnits } from '../../budget.js';
import { charge, type Compiled, type CompileContext, type Evaluator, type State, type StaticType } from './context.js';

// Spring's own cap on `'text' * n` (MAX_REPEATED_TEXT_SIZE), kept for identical behaviour.
const MAX_REPEATED_TEXT_SIZE = 256;

function boolFault(v: unknown, at: number) {
  return fault(at, 'TYPE_CONVERSION_ERROR', `Cannot convert value '${javaString(v)}' of type '${typeName(v)}' to boolean`);
}

const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'off', 'no', '0']);

/**
 * A boolean operand as Spring converts it (StringToBooleanConverter): a real boolean, or the text
 * `true`/`on`/`yes`/`1` or `false`/`off`/`no`/`0` in any case; anything else (null included) is EL1001E.
 */
function toBoolean(v: unknown, at: number): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const word = v.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw boolFault(v, at);
}

function opFault(op: string, l: unknown, r: unknown, at: number) {
  return fault(
    at,
    'OPERATOR_NOT_SUPPORTED_BETWEEN_TYPES',
    `The operator '${op}' is not supported between objects of type '${typeName(l)}' and '${typeName(r)}'`,
  );
}

const NUMERIC: ReadonlySet<StaticType> = new Set(['int', 'long', 'double']);

/** Spring's binary numeric promotion on static types (`any` when an operand's kind is unknown). */
function numericType(l: StaticType, r: StaticType): StaticType {
  if (l === 'decimal' || r === 'decimal') return 'decimal';
  if (!NUMERIC.has(l) || !NUMERIC.has(r)) return 'any';
  return l === 'double' || r === 'double' ? 'double' : l === 'long' || r === 'long' ? 'long' : 'int';
}

/** A long literal somewhere in the operands: compute in 64 bits even for small values. */
function isLong(l: StaticType, r: StaticType): boolean {
  return l === 'long' || r === 'long';
}

/** Charges comparing `l` with `r` when either is a collection or a long string (scanned in full). */
function chargePair(s: State, l: unknown, r: unknown, max: number, at: number): void {
  if (
    (typeof l !== 'object' || l === null) &&
    (typeof l !== 'string' || l.length < 64) &&
    (typeof r !== 'object' || r === null) &&
    (typeof r !== 'string' || r.length < 64)
  )
    return;
  const units = sizeUnits(l) + sizeUnits(r);
  if (units > 0) charge(s, units, max, at);
}

export function compileBinary(node: BinaryNode, compile: Compile, ctx: CompileContext): Compiled {
  const maxSteps = ctx.maxSteps;
  const left = compile(node.left);
  const right = compile(node.right);
  const lf = left.fn;
  const rf = right.fn;
  const at = node.start;
  const cost = 1 + left.cost + right.cost;
  const bool = (fn: Evaluator): Compiled => ({ fn, type: 'boolean', cost });
  switch (node.operator) {
    case 'and':
    case 'or': {
      const isOr = node.operator === 'or';
      const la = node.left.start;
      const ra = node.right.start;
      return bool((s) => {
        const lv = lf(s);
        const l = typeof lv === 'boolean' ? lv : toBoolean(lv, la);
        if (l === isOr) return l;
        const r = rf(s);
        return typeof r === 'boolean' ? r : toBoolean(r, ra);
      });
    }
    case '==':
      return bool((s) => {
        const l = lf(s);
        const r = rf(s);
        if (l === r) return true;
        chargePair(s, l, r, maxSteps, at);
        return spelEquals(l, r);
      });
    case '!=':
      return bool((s) => {
        const l = lf(s);
        const r = rf(s);
        if (l === r) return false;
        chargePair(s, l, r, maxSteps, at);
        return !spelEquals(l, r);
      });
    case '<':
      return bool((s) => {
        const l = lf(s);
        const r = rf(s);
        if (typeof l === 'number' && typeof r === 'number') return l < r;
        chargePair(s, l, r, maxSteps, at);
        return spelCompare(l, r, at) < 0;
      });
    case '<=':
      return bool((s) => {
        const l = lf(s);
        const r = rf(s);
        if (typeof l === 'number' && typeof r === 'number') return l <= r;
        chargePair(s, l, r, maxSteps, at);
        return spelCompare(l, r, at) <= 0;
      });
    case '>':
      return bool((s) => {
        const l = lf(s);
        const r = rf(s);
        if (typeof l === 'number' && typeof r === 'number') return l > r;
        chargePair(s, l, r, maxSteps, at);
        return spelCompare(l, r, at) > 0;
      });
    case '>=':
      return bool((s) => {
        const l = lf(s);
        const r = rf(s);
        if (typeof l === 'number' && typeof r === 'number') return l >= r;
        chargePair(s, l, r, maxSteps, at);
        return spelCompare(l, r, at) >= 0;
      });
    case 'matches':
      return bool(compileMatches(node, left, right, ctx));
    case 'between': {
      const ra = node.right.start;
      return bool((s) => {
        const l = lf(s);
        const r = rf(s);
        const list = asIterable(r);
        if (!list || list.length !== 2) {
          throw fault(ra, 'BETWEEN_RIGHT_OPERAND_MUST_BE_TWO_ELEMENT_LIST', "Right operand for the 'between' operator has to be a two-element list");
        }
        return spelCompare(l, list[0], at) >= 0 && spelCompare(l, list[1], at) <= 0;
      });
    }
    case 'in':
      return bool(compileIn(left, right, at, maxSteps));
    case '^': {
      const long = isLong(left.type, right.type);
      const maxDigits = ctx.maxCollectionSize;
      return {
        fn: (s) => {
          const l = lf(s);
          const r = rf(s);
          if (!isNumeric(l) || !isNumeric(r)) throw opFault('^', l, r, at);
          return power(ctx.decimal ? toDecimal(l) : l, r, long, maxDigits, at);
        },
        type: numericType(left.type, right.type),
        cost,
      };
    }
    default:
      return compileArithmetic(node.operator, left, right, node, ctx, cost);
  }
}

function compileArithmetic(op: ArithmeticOperator, left: Compiled, right: Compiled, node: BinaryNode, ctx: CompileContext, cost: number): Compiled {
  const maxSteps = ctx.maxSteps;
  const lf = left.fn;
  const rf = right.fn;
  const at = node.start;
  const long = isLong(left.type, right.type);
  const max = ctx.maxCollectionSize;
  // Money mode: every number, input or literal, is a BigDecimal, so no plain-number fast path.
  const dec = ctx.decimal;
  const numType = numericType(left.type, right.type);
  const type: StaticType = op === '+' && (left.type === 'string' || right.type === 'string') ? 'string' : numType;
  const fn: Evaluator = (s) => {
    const l = lf(s);
    const r = rf(s);
    if (isNumeric(l) && isNumeric(r)) return arithmetic(op, dec ? toDecimal(l) : l, r, long, at);
    if (op === '+' && (typeof l === 'string' || typeof r === 'string')) {
      // Stringifying a collection scans it; the concatenation copies both sides.
      chargePair(s, l, r, maxSteps, at);
      const text = concatText(l) + concatText(r);
      if (text.length > max) throw banyanFault(at, 'LIMIT_EXCEEDED', `String length exceeds the limit of ${max}`);
      // What was built counts too: a nested value stringifies to far more than its top-level size.
      if (text.length >= 64) charge(s, sizeUnits(text), maxSteps, at);
      return text;
    }
    if (op === '-' && typeof l === 'string' && l.length === 1 && typeof r === 'number' && Number.isInteger(r)) {
      // Java char arithmetic: 'c' - 2 is 'a'.
      return String.fromCharCode(l.charCodeAt(0) - r);
    }
    if (op === '*' && typeof l === 'string' && typeof r === 'number' && Number.isInteger(r)) {
      if (r < 0) throw fault(at, 'NEGATIVE_REPEATED_TEXT_COUNT', `Repeat count '${r}' must not be negative`);
      if (l.length * r > MAX_REPEATED_TEXT_SIZE) {
        throw fault(
          node.right.start,
          'MAX_REPEATED_TEXT_SIZE_EXCEEDED',
          `Repeated text is too long, exceeding the threshold of '${MAX_REPEATED_TEXT_SIZE}' characters`,
        );
      }
      return l.repeat(r);
    }
    throw opFault(op, l, r, at);
  };
  return { fn, type, cost };
}

function compileMatches(node: BinaryNode, left: Compiled, right: Compiled, ctx: CompileContext): Evaluator {
  const lf = left.fn;
  const rf = right.fn;
  const la = node.left.start;
  const ra = node.right.start;
  const cache = new Map<string, RE2JS>();
  const compilePattern = (p: string, fromSource: boolean): RE2JS => {
    let re = cache.get(p);
    if (re) return re;
    try {
      // RE2 runs in linear time: no catastrophic backtracking, but also no backreferences or lookaround.
      re = RE2JS.compile(p);
    } catch {
      if (fromSource) throw spelError(ctx.source, ra, 'INVALID_PATTERN', `Pattern is not valid '${p}'`);
      throw fault(ra, 'INVALID_PATTERN', `Pattern is not valid '${p}'`);
    }
    if (cache.size >= 32) cache.clear();
    cache.set(p, re);
    return re;
  };
  const pattern = right.constant?.value;
  if (typeof pattern === 'string') compilePattern(pattern, true);
  return (s) => {
    const l = lf(s);
    if (l === null || l === undefined) {
      throw fault(la, 'INVALID_FIRST_OPERAND_FOR_MATCHES_OPERATOR', "First operand to matches operator must be a string. 'null' is not");
    }
    const r = rf(s);
    if (typeof r !== 'string') {
      throw fault(ra, 'INVALID_SECOND_OPERAND_FOR_MATCHES_OPERATOR', `Second operand to matches operator must be a string. '${javaString(r)}' is not`);
    }
    const text = javaString(l);
    // RE2 is linear, but slow enough per character that the input is bounded (see MAX_MATCH_INPUT).
    if (text.length > MAX_MATCH_INPUT)
      throw banyanFault(la, 'LIMIT_EXCEEDED', `matches: input of ${text.length} characters exceeds the limit of ${MAX_MATCH_INPUT}`);
    charge(s, matchUnits(text.length) + sizeUnits(r), ctx.maxSteps, la);
    return compilePattern(r, false).matcher(text).matches();
  };
}

/** Banyan's `x in {a, b}` extension: list membership (Spring equality) or map key presence. */
function compileIn(left: Compiled, right: Compiled, at: number, maxSteps: number): Evaluator {
  const lf = left.fn;
  const rf = right.fn;
  const constList = right.constant ? asIterable(right.constant.value) : undefined;
  if (constList && constList.every((x) => typeof x === 'string')) {
    const set = new Set(constList);
    return (s) => {
      const l = lf(s);
      return typeof l === 'string' ? set.has(l) : false;
    };
  }
  return (s) => {
    const l = lf(s);
    const r = rf(s);
    if (r === null || r === undefined) return false;
    const list = asIterable(r);
    if (list) {
      charge(s, list.length, maxSteps, at);
      return list.some((x) => spelEquals(l, x));
    }
    const entries = asEntries(r);
    if (entries) {
      charge(s, entries.length, maxSteps, at);
      return entries.some((e) => spelEquals(l, e.key));
    }
    throw opFault('in', l, r, at);
  };
}

export function compileUnary(node: UnaryNode, compile: Compile, _ctx: CompileContext): Compiled {
  const operand = compile(node.operand);
  const f = operand.fn;
  const at = node.start;
  const oa = node.operand.start;
  const cost = 1 + operand.cost;
  if (node.operator === '!') {
    return {
      fn: (s) => {
        const v = f(s);
        return typeof v === 'boolean' ? !v : !toBoolean(v, oa);
      },
      type: 'boolean',
      cost,
    };
  }
  const minus = node.operator === '-';
  const long = operand.type === 'long';
  return {
    fn: (s) => {
      const v = f(s);
      if (!isNumeric(v)) throw fault(at, 'OPERATOR_NOT_SUPPORTED_BETWEEN_TYPES', `The operator '${node.operator}' is not supported on type '${typeName(v)}'`);
      return minus ? negate(v, long) : v;
    },
    type: numericType(operand.type, operand.type),
    cost,
  };
}

export function compileTernary(node: TernaryNode, compile: Compile, _ctx: CompileContext): Compiled {
  const c = compile(node.condition);
  const t = compile(node.whenTrue);
  const e = compile(node.whenFalse);
  const cf = c.fn;
  const tf = t.fn;
  const ef = e.fn;
  const ca = node.condition.start;
  return {
    fn: (s) => {
      const v = cf(s);
      return (typeof v === 'boolean' ? v : toBoolean(v, ca)) ? tf(s) : ef(s);
    },
    type: t.type === e.type ? t.type : 'any',
    cost: 1 + c.cost + t.cost + e.cost,
  };
}

/** `a ?: b`: b when a is null or, as in Spring, the empty string. */
export function compileElvis(node: ElvisNode, compile: Compile): Compiled {
  const v = compile(node.value);
  const fb = compile(node.fallback);
  const vf = v.fn;
  const ff = fb.fn;
  return {
    fn: (s) => {
      const x = vf(s);
      return x === null || x === undefined || x === '' ? ff(s) : x;
    },
    type: v.type === fb.type ? v.type : 'any',
    cost: 1 + v.cost + fb.cost,
  };
}
