import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../types.js';
import type { ExpressionNode, StepNode } from './ast/nodes.js';
import { compileSpel, parseSpel, printSpel } from './index.js';

const ALPHABET = 'ab01.+-*/%^()[]{}\'"#?:!<>=&|, $@xyzTnew\n';
const root = { a: 1, b: 'x', x: [1, 2], y: { z: null } };

describe('robustness (property-based)', () => {
  it('random text never throws anything but EngineError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 })), (src) => {
        try {
          compileSpel(src).evaluate(root, { v: 1 }, { now: new Date() });
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  const name = fc.constantFrom('a', 'b', 'x', 'y', 'value', 'key');
  const literal: fc.Arbitrary<ExpressionNode> = fc.oneof(
    fc.nat({ max: 1000 }).map((v) => ({ kind: 'literal', start: 0, value: v, numberKind: 'int' }) as const),
    fc.double({ min: 0, max: 1e6, noNaN: true }).map((v) => ({ kind: 'literal', start: 0, value: v, numberKind: 'double' }) as const),
    fc.string({ maxLength: 5 }).map((v) => ({ kind: 'literal', start: 0, value: v }) as const),
    fc.constantFrom(true, false, null).map((v) => ({ kind: 'literal', start: 0, value: v }) as const),
  );
  const { expr } = fc.letrec<{ expr: ExpressionNode; step: StepNode }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literal,
      name.map((n) => ({ kind: 'variable', start: 0, name: n }) as const),
      fc
        .tuple(fc.constantFrom('+', '-', '*', '/', '==', '<', 'and', 'or', 'matches', 'between', 'in', '^', '%', '>='), tie('expr'), tie('expr'))
        .map(([operator, left, right]) => ({ kind: 'binary', start: 0, operator, left, right }) as ExpressionNode),
      fc.tuple(fc.constantFrom('-', '!', '+'), tie('expr')).map(([operator, operand]) => ({ kind: 'unary', start: 0, operator, operand }) as ExpressionNode),
      fc
        .tuple(tie('expr'), tie('expr'), tie('expr'))
        .map(([condition, whenTrue, whenFalse]) => ({ kind: 'ternary', start: 0, condition, whenTrue, whenFalse }) as const),
      fc.tuple(tie('expr'), tie('expr')).map(([value, fallback]) => ({ kind: 'elvis', start: 0, value, fallback }) as const),
      fc.array(tie('expr'), { maxLength: 3 }).map((items) => ({ kind: 'list', start: 0, items }) as const),
      fc
        .tuple(fc.option(tie('expr'), { nil: null }), fc.array(tie('step'), { minLength: 1, maxLength: 3 }))
        .map(([head, steps]) => ({ kind: 'chain', start: 0, head, steps: steps.map((s, i) => (i === 0 && !head ? { ...s, nullSafe: false } : s)) }) as const),
    ),
    step: fc.oneof(
      fc.tuple(name, fc.boolean()).map(([n, nullSafe]) => ({ kind: 'property', start: 0, name: n, nullSafe }) as const),
      fc
        .tuple(fc.constantFrom('size', 'isEmpty', 'contains'), fc.array(tie('expr'), { maxLength: 1 }), fc.boolean())
        .map(([n, args, nullSafe]) => ({ kind: 'method', start: 0, name: n, args, nullSafe }) as const),
      fc.tuple(tie('expr'), fc.boolean()).map(([index, nullSafe]) => ({ kind: 'index', start: 0, index, nullSafe }) as const),
      fc
        .tuple(fc.constantFrom('all', 'first', 'last'), tie('expr'), fc.boolean())
        .map(([mode, criteria, nullSafe]) => ({ kind: 'selection', start: 0, mode, criteria, nullSafe }) as const),
      fc.tuple(tie('expr'), fc.boolean()).map(([expression, nullSafe]) => ({ kind: 'projection', start: 0, expression, nullSafe }) as const),
    ),
  }));

  it('print → parse → print is stable for generated trees', () => {
    fc.assert(
      fc.property(expr, (ast) => {
        const text = printSpel(ast);
        let reparsed: string;
        try {
          reparsed = printSpel(parseSpel(text, { limits: { maxDepth: 1000 } }));
        } catch (e) {
          throw new Error(`could not reparse ${text}`, { cause: e });
        }
        expect(reparsed).toBe(text);
        try {
          compileSpel(text, { limits: { maxDepth: 1000 } }).evaluate(root, undefined, { now: new Date() });
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
