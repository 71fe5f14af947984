import type { ChainNode, ExpressionNode, IndexStep, ProjectionStep, SelectionStep, StepNode } from '../ast/nodes.js';
import { banyanError, fault } from '../errors.js';
import { readIndex, readProperty } from '../runtime/access.js';
import { callMethod, isWhitelistedMethod, methodResultType, methodUnits } from '../runtime/methods.js';
import { asEntries, asIterable, isPlainObject, propertyIsEnumerable, setOwn, typeName } from '../runtime/values.js';
import type { Compile } from './compile.js';
import { charge, type Compiled, type CompileContext, type State, type StaticType } from './context.js';

/** One navigation step: takes the previous value, returns the next. */
type Step = (value: unknown, s: State) => unknown;

interface CompiledStep {
  readonly step: Step;
  readonly nullSafe: boolean;
  readonly cost: number;
  readonly type: StaticType;
}

export function compileChain(node: ChainNode, compile: Compile, ctx: CompileContext): Compiled {
  const head = node.head ? compile(node.head) : undefined;
  const steps = node.steps.map((st) => compileStep(st, compile, ctx));
  const cost = 1 + (head?.cost ?? 0) + steps.reduce((n, st) => n + st.cost, 0);
  const type = steps[steps.length - 1]?.type ?? 'any';
  const first = node.steps[0];
  // Hot path: a bare root property (`annualIncome`), read straight off a plain object.
  if (!head && steps.length === 1 && first?.kind === 'property') {
    const name = first.name;
    const at = first.start;
    return {
      fn: (s) => {
        const o = s.active;
        if (typeof o === 'object' && o !== null && propertyIsEnumerable.call(o, name) && !Array.isArray(o)) {
          return (o as Record<string, unknown>)[name] ?? null;
        }
        return readProperty(o, name, at);
      },
      type,
      cost,
    };
  }
  const headFn = head ? head.fn : (s: State) => s.active;
  const fns = steps.map((st) => st.step);
  const safe = steps.map((st) => st.nullSafe);
  const n = fns.length;
  return {
    fn: (s) => {
      let v = headFn(s);
      for (let i = 0; i < n; i++) {
        // Null-safe navigation short-circuits the rest of the chain (Spring 6.2 semantics).
        if ((v === null || v === undefined) && safe[i]) return null;
        v = (fns[i] as Step)(v, s);
      }
      return v;
    },
    type,
    cost,
  };
}

function compileStep(step: StepNode, compile: Compile, ctx: CompileContext): CompiledStep {
  switch (step.kind) {
    case 'property': {
      const { name, start } = step;
      return { step: (v) => readProperty(v, name, start), nullSafe: step.nullSafe, cost: 1, type: 'any' };
    }
    case 'method': {
      const { name, start } = step;
      if (!isWhitelistedMethod(name)) {
        throw banyanError(
          ctx.source,
          start,
          'NOT_SUPPORTED',
          `Method '${name}()' is not supported (only a whitelist of string, list and map methods may be called)`,
          'METHOD_NOT_FOUND',
        );
      }
      const args = step.args.map(compile);
      const fns = args.map((a) => a.fn);
      const max = ctx.maxCollectionSize;
      const maxSteps = ctx.maxSteps;
      const rt = methodResultType(name);
      const type: StaticType = rt === 'boolean' ? 'boolean' : rt === 'string' ? 'string' : rt === 'list' ? 'list' : rt === 'number' ? 'int' : 'any';
      // A method that scans its receiver is charged by the size it touches: `list.contains(x)`
      // inside a selection over the same list is quadratic, and the step limit must see that.
      const call: Step =
        fns.length === 0
          ? (v, s) => {
              if (name === 'size' && Array.isArray(v)) return v.length;
              const units = methodUnits(name, v, []);
              if (units > 0) charge(s, units, maxSteps, start);
              return callMethod(v, name, [], max, start);
            }
          : (v, s) => {
              const values = fns.map((f) => f(s));
              const units = methodUnits(name, v, values);
              if (units > 0) charge(s, units, maxSteps, start);
              return callMethod(v, name, values, max, start);
            };
      return { step: call, nullSafe: step.nullSafe, cost: 1 + args.reduce((n, a) => n + a.cost, 0), type };
    }
    case 'index':
      return compileIndex(step, compile);
    case 'selection':
      return compileSelection(step, compile, ctx);
    case 'projection':
      return compileProjection(step, compile, ctx);
  }
}

/** A bare name inside `[...]` on a map is the key itself (Spring: `map[key]` means 'key'). */
function bareName(node: ExpressionNode): string | undefined {
  if (node.kind !== 'chain' || node.head !== null || node.steps.length !== 1) return undefined;
  const st = node.steps[0];
  return st?.kind === 'property' && !st.nullSafe ? st.name : undefined;
}

function compileIndex(step: IndexStep, compile: Compile): CompiledStep {
  const index = compile(step.index);
  const f = index.fn;
  const at = step.start;
  const name = bareName(step.index);
  const fn: Step =
    name === undefined ? (v, s) => readIndex(v, f(s), at) : (v, s) => (v instanceof Map || isPlainObject(v) ? readIndex(v, name, at) : readIndex(v, f(s), at));
  return { step: fn, nullSafe: step.nullSafe, cost: 1 + index.cost, type: 'any' };
}

/** Runs `body` with `#this` (and bare names) bound to each element in turn. */
function withElement<T>(s: State, element: unknown, body: (s: State) => T): T {
  const saved = s.active;
  s.active = element;
  try {
    return body(s);
  } finally {
    s.active = saved;
  }
}

function compileSelection(step: SelectionStep, compile: Compile, ctx: CompileContext): CompiledStep {
  const criteria = compile(step.criteria);
  const test = criteria.fn;
  const at = step.start;
  const unit = 1 + criteria.cost;
  const max = ctx.maxSteps;
  const mode = step.mode;
  const accept = (s: State, element: unknown): boolean => {
    charge(s, unit, max, at);
    const ok = withElement(s, element, test);
    if (typeof ok !== 'boolean') throw fault(at, 'RESULT_OF_SELECTION_CRITERIA_IS_NOT_BOOLEAN', 'Result of selection criteria is not boolean');
    return ok;
  };
  const fn: Step = (v, s) => {
    const list = asIterable(v);
    if (list) {
      if (mode === 'first') {
        for (const x of list) if (accept(s, x)) return x;
        return null;
      }
      if (mode === 'last') {
        for (let i = list.length - 1; i >= 0; i--) if (accept(s, list[i])) return list[i];
        return null;
      }
      return list.filter((x) => accept(s, x));
    }
    const entries = asEntries(v);
    if (!entries) throw fault(at, 'INVALID_TYPE_FOR_SELECTION', `Cannot perform selection on input data of type '${typeName(v)}'`);
    // Spring stops at the first match for `^[…]`: later entries are never tested.
    const firstMatch = mode === 'first' ? entries.find((e) => accept(s, e)) : undefined;
    let chosen = mode === 'first' ? (firstMatch ? [firstMatch] : []) : entries.filter((e) => accept(s, e));
    if (mode !== 'all') {
      const pick = mode === 'first' ? chosen[0] : chosen[chosen.length - 1];
      if (!pick) return null;
      chosen = [pick];
    }
    if (v instanceof Map) return new Map(chosen.map((e) => [e.key, e.value]));
    const out: Record<string, unknown> = {};
    for (const e of chosen) setOwn(out, String(e.key), e.value);
    return out;
  };
  return { step: fn, nullSafe: step.nullSafe, cost: 1 + criteria.cost, type: mode === 'all' ? 'any' : 'any' };
}

function compileProjection(step: ProjectionStep, compile: Compile, ctx: CompileContext): CompiledStep {
  const body = compile(step.expression);
  const f = body.fn;
  const at = step.start;
  const unit = 1 + body.cost;
  const max = ctx.maxSteps;
  const fn: Step = (v, s) => {
    const items: readonly unknown[] | undefined = asIterable(v) ?? asEntries(v);
    if (!items) throw fault(at, 'PROJECTION_NOT_SUPPORTED_ON_TYPE', `Projection is not supported on the type '${typeName(v)}'`);
    return items.map((x) => {
      charge(s, unit, max, at);
      return withElement(s, x, f);
    });
  };
  return { step: fn, nullSafe: step.nullSafe, cost: 1 + body.cost, type: 'list' };
}
