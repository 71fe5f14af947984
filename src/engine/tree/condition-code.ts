/**
 * Condition code for the tree fast path (fast.ts): a simple subset of SpEL and JSONLogic
 * conditions (field `op` literal, `x.size()` / `length`, `in` a literal list, and / or / not) as
 * guarded JavaScript. Expressions yield 1 (true), 0 (false) or 2 (undecided: the caller then runs
 * the compiled expression). User-written values only reach the code through `Gen.k` (a constants
 * table referenced by index), never as source text.
 */
import { parseSpel, type ExpressionNode } from '../spel/index.js';
import type { ExprNode } from './compile.js';

// ------------------------------------------------------------------------------ condition code

/**
 * The engine's canonical copy of a string (property keys are stored internalized), so keyed
 * reads/stores with it take V8's fast path instead of hashing the key on every access.
 */
function internalize(s: string): string {
  const o: Record<string, number> = {};
  o[s] = 0;
  return Object.keys(o)[0] ?? s;
}

/** Builds guarded condition code. Expressions yield 1 (true), 0 (false) or 2 (undecided). */
export class Gen {
  readonly consts: unknown[] = [];
  private temps = 0;
  /** A constant by index: user values only ever reach the code this way. */
  k(value: unknown): string {
    this.consts.push(typeof value === 'string' ? internalize(value) : value);
    return `k${this.consts.length - 1}`;
  }
  tmp(): string {
    return `a${this.temps++}`;
  }
  get tempCount(): number {
    return this.temps;
  }
}

/** How a value is read: a root field, or the size of a root field holding an array. */
interface Operand {
  readonly field: string;
  readonly size: boolean;
}

type Literal = { readonly value: string | number | boolean | null };

const SWAP: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
const ORDER_OPS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);
/** Operator text comes from this table only. */
const JS_OP: Readonly<Record<string, string>> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '==': '===', '!=': '!==' };

/**
 * `operand op literal` as guarded code, for `op` in < <= > >= == !=. Equality is exact only between
 * same-typed primitives (both languages agree with `===` there; NaN is left to the slow path);
 * ordering only between numbers.
 */
function comparison(g: Gen, operand: Operand, op: string, lit: Literal): string | undefined {
  const jsOp = JS_OP[op];
  if (jsOp === undefined) return undefined;
  const read = `(v = c[${g.k(operand.field)}])`;
  const v = lit.value;
  if (operand.size) {
    if (typeof v !== 'number') return undefined;
    return `(Array.isArray${read} ? (v.length ${jsOp} ${g.k(v)} ? 1 : 0) : 2)`;
  }
  if (typeof v === 'number') return `(typeof ${read} === 'number' && v === v ? (v ${jsOp} ${g.k(v)} ? 1 : 0) : 2)`;
  if (ORDER_OPS.has(op)) return undefined;
  if (typeof v === 'string') return `(typeof ${read} === 'string' ? (v ${jsOp} ${g.k(v)} ? 1 : 0) : 2)`;
  if (v === null) {
    const t = op === '!=' ? '1' : '0';
    return `((typeof ${read} === 'string' || typeof v === 'number' || typeof v === 'boolean') ? ${t} : 2)`;
  }
  return undefined;
}

function and(g: Gen, parts: readonly string[], isOr: boolean): string {
  // and: the first 0 or 2 decides, else the next; or: the first 1 or 2 decides.
  let code = parts[parts.length - 1] as string;
  for (let i = parts.length - 2; i >= 0; i--) {
    const a = g.tmp();
    code = `((${a} = ${parts[i] as string}) === ${isOr ? 0 : 1} ? ${code} : ${a})`;
  }
  return code;
}

function not(g: Gen, part: string): string {
  const a = g.tmp();
  return `((${a} = ${part}) === 2 ? 2 : 1 - ${a})`;
}

// SpEL -----------------------------------------------------------------------------------------

function spelOperand(node: ExpressionNode): Operand | undefined {
  if (node.kind !== 'chain' || node.head !== null) return undefined;
  const [first, second] = node.steps;
  if (first?.kind !== 'property') return undefined;
  if (node.steps.length === 1) return { field: first.name, size: false };
  if (node.steps.length === 2 && second?.kind === 'method' && second.name === 'size' && second.args.length === 0) return { field: first.name, size: true };
  return undefined;
}

function spelLiteral(node: ExpressionNode): Literal | undefined {
  return node.kind === 'literal' ? { value: node.value } : undefined;
}

function spelCode(g: Gen, node: ExpressionNode): string | undefined {
  if (node.kind === 'literal') return node.value === true ? '1' : node.value === false ? '0' : undefined;
  if (node.kind === 'unary') {
    if (node.operator !== '!') return undefined;
    const inner = spelCode(g, node.operand);
    return inner === undefined ? undefined : not(g, inner);
  }
  if (node.kind !== 'binary') return undefined;
  if (node.operator === 'and' || node.operator === 'or') {
    const l = spelCode(g, node.left);
    const r = spelCode(g, node.right);
    return l === undefined || r === undefined ? undefined : and(g, [l, r], node.operator === 'or');
  }
  if (SWAP[node.operator] === undefined) return undefined;
  const lo = spelOperand(node.left);
  const rl = spelLiteral(node.right);
  if (lo && rl) return comparison(g, lo, node.operator, rl);
  const ll = spelLiteral(node.left);
  const ro = spelOperand(node.right);
  if (ll && ro) return comparison(g, ro, SWAP[node.operator] as string, ll);
  return undefined;
}

// JSONLogic ------------------------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `{"op": args}` → [op, args as a list]; undefined for anything else. */
function operation(rule: unknown): [string, readonly unknown[]] | undefined {
  if (!isRecord(rule)) return undefined;
  const keys = Object.keys(rule);
  if (keys.length !== 1) return undefined;
  const op = keys[0] as string;
  const args = rule[op];
  return [op, Array.isArray(args) ? args : [args]];
}

function jsonVar(rule: unknown): string | undefined {
  const o = operation(rule);
  if (!o || o[0] !== 'var' || o[1].length !== 1) return undefined;
  const name = o[1][0];
  return typeof name === 'string' && name !== '' && !name.includes('.') && !name.includes('\\') ? name : undefined;
}

function jsonOperand(rule: unknown): Operand | undefined {
  const field = jsonVar(rule);
  if (field !== undefined) return { field, size: false };
  const o = operation(rule);
  if (o && o[0] === 'length' && o[1].length === 1) {
    const inner = jsonVar(o[1][0]);
    if (inner !== undefined) return { field: inner, size: true };
  }
  return undefined;
}

function jsonLiteral(rule: unknown): Literal | undefined {
  return rule === null || typeof rule === 'string' || typeof rule === 'boolean' || (typeof rule === 'number' && Number.isFinite(rule))
    ? { value: rule }
    : undefined;
}

const JSON_EQ: Readonly<Record<string, string>> = { '==': '==', '===': '==', '!=': '!=', '!==': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function jsonCode(g: Gen, rule: unknown): string | undefined {
  if (rule === true) return '1';
  if (rule === false) return '0';
  const o = operation(rule);
  if (!o) return undefined;
  const [op, args] = o;
  if (op === 'and' || op === 'or') {
    if (args.length === 0) return undefined;
    const parts = args.map((a) => jsonCode(g, a));
    return parts.every((p): p is string => p !== undefined) ? and(g, parts, op === 'or') : undefined;
  }
  if (op === '!' || op === '!!') {
    if (args.length !== 1) return undefined;
    const inner = jsonCode(g, args[0]);
    return inner === undefined ? undefined : op === '!' ? not(g, inner) : inner;
  }
  if (op === 'in' && args.length === 2) {
    const field = jsonVar(args[0]);
    const list = args[1];
    if (field === undefined || !Array.isArray(list) || !list.every((x) => typeof x === 'string')) return undefined;
    // Short lists unrolled into === tests (SameValueZero is === for strings); long ones use includes.
    const test = list.length <= 8 && list.length > 0 ? list.map((x) => `v === ${g.k(x)}`).join(' || ') : `${g.k([...list])}.includes(v)`;
    return `(typeof (v = c[${g.k(field)}]) === 'string' ? (${test} ? 1 : 0) : 2)`;
  }
  const cmp = JSON_EQ[op];
  if (cmp === undefined || args.length !== 2) return undefined;
  const lo = jsonOperand(args[0]);
  const rl = jsonLiteral(args[1]);
  if (lo && rl) return comparison(g, lo, cmp, rl);
  const ll = jsonLiteral(args[0]);
  const ro = jsonOperand(args[1]);
  if (ll && ro) return comparison(g, ro, SWAP[cmp] as string, ll);
  return undefined;
}

/** Guarded code for a condition node, or undefined when it is outside the subset. */
export function conditionCode(g: Gen, node: ExprNode): string | undefined {
  const source = node.configuration.expression;
  if (node.jsonLogic) {
    let rule = source;
    if (typeof source === 'string') {
      try {
        rule = JSON.parse(source) as unknown;
      } catch {
        return undefined;
      }
    }
    return jsonCode(g, rule);
  }
  if (typeof source !== 'string') return undefined;
  try {
    return spelCode(g, parseSpel(source).root);
  } catch {
    return undefined;
  }
}
