import type { ExpressionNode, ExpressionVisitor } from '../ast/nodes.js';
import { visit } from '../ast/nodes.js';
import { banyanError, banyanFault, spelError } from '../errors.js';
import { lookupFunction } from '../runtime/functions.js';
import { double, toDecimal } from '../runtime/numbers.js';
import { setOwn, javaString, propertyIsEnumerable } from '../runtime/values.js';
import { compileChain } from './chain.js';
import { sizeUnits } from '../../budget.js';
import { charge, type Compiled, type CompileContext, type Evaluator, type State, type StaticType } from './context.js';
import { compileBinary, compileElvis, compileTernary, compileUnary } from './operators.js';

export type Compile = (node: ExpressionNode) => Compiled;

function constant(value: unknown, type: StaticType): Compiled {
  return { fn: () => value, type, cost: 1, constant: { value } };
}

function variable(name: string): Evaluator {
  if (name === 'this') return (s) => s.active;
  if (name === 'root') return (s) => s.root;
  // Banyan's Java predecessor registered every customer field as a variable, so `#x` falls back
  // to the root's own property `x`; anything else is null, as Spring's unknown variables are.
  return (s) => {
    const vars = s.vars;
    if (vars !== undefined && propertyIsEnumerable.call(vars, name)) return vars[name] ?? null;
    const root = s.root;
    if (typeof root === 'object' && root !== null && propertyIsEnumerable.call(root, name)) {
      return (root as Record<string, unknown>)[name] ?? null;
    }
    return null;
  };
}

/** Builds the closure tree for an AST: parse once, evaluate many times. */
export function createCompiler(ctx: CompileContext): Compile {
  const visitor: ExpressionVisitor<Compiled> = {
    literal: (node) => {
      const v = node.value;
      if (typeof v === 'number') {
        if (ctx.decimal) return constant(toDecimal(v), 'decimal');
        if (node.numberKind === 'float' || node.numberKind === 'double') return constant(double(v), 'double');
        return constant(v, node.numberKind === 'long' ? 'long' : 'int');
      }
      return constant(v, v === null ? 'null' : typeof v === 'string' ? 'string' : 'boolean');
    },
    binary: (node) => compileBinary(node, compile, ctx),
    unary: (node) => compileUnary(node, compile, ctx),
    ternary: (node) => compileTernary(node, compile, ctx),
    elvis: (node) => compileElvis(node, compile),
    variable: (node) => ({ fn: variable(node.name), type: 'any', cost: 1 }),
    functionCall: (node) => {
      const fn = lookupFunction(node.name);
      if (!fn) throw banyanError(ctx.source, node.start, 'UNKNOWN_FUNCTION', `Function '#${node.name}' is not defined`, 'FUNCTION_NOT_DEFINED');
      if (node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
        throw spelError(
          ctx.source,
          node.start,
          'INCORRECT_NUMBER_OF_ARGUMENTS_TO_FUNCTION',
          `Incorrect number of arguments for function '#${node.name}': ${node.args.length} supplied`,
        );
      }
      const args = node.args.map(compile);
      const fns = args.map((a) => a.fn);
      const at = node.start;
      const decimal = ctx.decimal;
      const maxSteps = ctx.maxSteps;
      return {
        fn: (s) => {
          const values = fns.map((f) => f(s));
          // #sum/#max/#min over a list scan it.
          let units = 0;
          for (const v of values) units += sizeUnits(v);
          if (units > 0) charge(s, units, maxSteps, at);
          // s.now is set by every evaluate call (EvaluateOptions.now is required): the engine reads no clock.
          if (s.now === undefined) throw banyanFault(at, 'INVALID_PARAMETER', 'no "now": evaluate needs options.now');
          return fn.call(values, { now: s.now, decimal, at });
        },
        type: fn.resultType === 'number' ? (ctx.decimal ? 'decimal' : 'any') : fn.resultType === 'string' ? 'string' : 'any',
        cost: 1 + args.reduce((n, a) => n + a.cost, 0),
      };
    },
    list: (node) => {
      const items = node.items.map(compile);
      const cost = 1 + items.reduce((n, a) => n + a.cost, 0);
      if (items.length > ctx.maxCollectionSize) throw banyanError(ctx.source, node.start, 'LIMIT_EXCEEDED', 'Inline list is too large');
      // A list of constants is built once and frozen, like Spring's unmodifiable inline lists.
      if (items.every((i) => i.constant)) {
        const value = Object.freeze(items.map((i) => i.constant?.value));
        return { fn: () => value, type: 'list', cost, constant: { value } };
      }
      const fns = items.map((i) => i.fn);
      return { fn: (s) => fns.map((f) => f(s)), type: 'list', cost };
    },
    map: (node) => {
      const entries = node.entries.map((e) => ({
        key: e.key.kind === 'mapKey' ? constant(e.key.name, 'string') : compile(e.key),
        at: e.key.start,
        value: compile(e.value),
      }));
      const cost = 1 + entries.reduce((n, e) => n + e.key.cost + e.value.cost, 0);
      const build = (s: State): Record<string, unknown> => {
        const out: Record<string, unknown> = {};
        for (const e of entries) {
          const k = e.key.fn(s);
          const key = typeof k === 'string' ? k : javaString(k);
          if (key === '__proto__') throw banyanFault(e.at, 'NOT_SUPPORTED', `Map key '__proto__' is not allowed`);
          setOwn(out, key, e.value.fn(s));
        }
        return out;
      };
      return { fn: build, type: 'map', cost };
    },
    chain: (node) => compileChain(node, compile, ctx),
  };
  const compile: Compile = (node) => visit(node, visitor);
  return compile;
}
