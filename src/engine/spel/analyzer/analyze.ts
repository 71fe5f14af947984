import type { ExpressionNode, ExpressionVisitor, StepNode } from '../ast/nodes.js';
import { visit } from '../ast/nodes.js';
import type { ResultType } from '../../types.js';
import { lookupFunction } from '../runtime/functions.js';
import { methodResultType } from '../runtime/methods.js';

export interface Reads {
  readonly fields: string[];
  readonly variables: string[];
  readonly functions: string[];
}

/**
 * Collects root field paths, variables and functions. Inside a selection/projection, bare names
 * are relative to `#this`, so they are not root fields.
 */
export function collectReads(root: ExpressionNode): Reads {
  const fields = new Set<string>();
  const variables = new Set<string>();
  const functions = new Set<string>();
  const walk = (node: ExpressionNode, inElement: boolean): void => {
    const w = (n: ExpressionNode) => walk(n, inElement);
    const visitor: ExpressionVisitor<void> = {
      literal: () => undefined,
      binary: (n) => (w(n.left), w(n.right)),
      unary: (n) => w(n.operand),
      ternary: (n) => (w(n.condition), w(n.whenTrue), w(n.whenFalse)),
      elvis: (n) => (w(n.value), w(n.fallback)),
      variable: (n) => {
        if (n.name !== 'this' && n.name !== 'root') variables.add(n.name);
      },
      functionCall: (n) => {
        functions.add(n.name);
        n.args.forEach(w);
      },
      list: (n) => n.items.forEach(w),
      map: (n) => n.entries.forEach((e) => (e.key.kind !== 'mapKey' && w(e.key), w(e.value))),
      chain: (n) => {
        const fromRoot = (!n.head && !inElement) || (n.head?.kind === 'variable' && (n.head.name === 'root' || (n.head.name === 'this' && !inElement)));
        if (n.head) w(n.head);
        if (fromRoot) {
          const path = rootPath(n.steps);
          if (path) fields.add(path);
        }
        for (const st of n.steps) walkStep(st, inElement);
      },
    };
    visit(node, visitor);
  };
  const walkStep = (st: StepNode, inElement: boolean): void => {
    switch (st.kind) {
      case 'method':
        st.args.forEach((a) => walk(a, inElement));
        break;
      case 'index':
        walk(st.index, inElement);
        break;
      case 'selection':
        walk(st.criteria, true);
        break;
      case 'projection':
        walk(st.expression, true);
        break;
      case 'property':
        break;
    }
  };
  walk(root, false);
  return { fields: [...fields], variables: [...variables], functions: [...functions] };
}

/** `a.b['c']` → `a.b.c`; stops at the first step that is not a constant name. */
function rootPath(steps: readonly StepNode[]): string | undefined {
  const parts: string[] = [];
  for (const st of steps) {
    if (st.kind === 'property') parts.push(st.name);
    else if (st.kind === 'index' && st.index.kind === 'literal' && typeof st.index.value === 'string') parts.push(st.index.value);
    else break;
  }
  return parts.length > 0 ? parts.join('.') : undefined;
}

const ARITHMETIC = new Set(['-', '*', '/', '%', '^']);

/** Static result type where knowable from the syntax alone. */
export function resultTypeOf(node: ExpressionNode): ResultType {
  const visitor: ExpressionVisitor<ResultType> = {
    literal: (n) => (n.value === null ? 'null' : typeof n.value === 'number' ? 'number' : typeof n.value === 'string' ? 'string' : 'boolean'),
    binary: (n) => {
      if (n.operator === '+') {
        const l = resultTypeOf(n.left);
        const r = resultTypeOf(n.right);
        if (l === 'string' || r === 'string') return 'string';
        return l === 'number' && r === 'number' ? 'number' : 'unknown';
      }
      if (ARITHMETIC.has(n.operator)) return resultTypeOf(n.left) === 'number' ? 'number' : 'unknown';
      return 'boolean';
    },
    unary: (n) => (n.operator === '!' ? 'boolean' : 'number'),
    ternary: (n) => {
      const t = resultTypeOf(n.whenTrue);
      return t === resultTypeOf(n.whenFalse) ? t : 'unknown';
    },
    elvis: (n) => {
      const t = resultTypeOf(n.value);
      return t === resultTypeOf(n.fallback) ? t : 'unknown';
    },
    variable: () => 'unknown',
    functionCall: (n) => lookupFunction(n.name)?.resultType ?? 'unknown',
    list: () => 'list',
    map: () => 'map',
    chain: (n) => {
      const last = n.steps[n.steps.length - 1];
      if (!last) return 'unknown';
      if (last.kind === 'method') return methodResultType(last.name);
      if (last.kind === 'projection') return 'list';
      return 'unknown';
    },
  };
  return visit(node, visitor);
}
