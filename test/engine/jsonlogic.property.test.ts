import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression, EngineError, jsonLogicOperators } from '../../src/engine/index.js';

const ops = [...jsonLogicOperators(), 'constructor', '__proto__', 'nope'];
const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('constructor', '__proto__', 'a.b', '../x', ''),
);
const rule = fc.letrec<{ rule: unknown }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('rule'), { maxLength: 4 }),
    fc.record({ op: fc.constantFrom(...ops), args: fc.oneof(tie('rule'), fc.array(tie('rule'), { maxLength: 4 })) }).map(({ op, args }) => ({ [op]: args })),
  ),
})).rule;
const data = fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('a', 'b', 'x', 'items'), fc.oneof(scalar, fc.array(scalar, { maxLength: 5 }))));

describe('JSONLogic sandbox (property-based)', () => {
  it('random rules either compile or throw EngineError; evaluation throws only EngineError', () => {
    fc.assert(
      fc.property(rule, data, (r, d) => {
        let compiled;
        try {
          compiled = compileExpression(r, { language: 'jsonlogic', limits: { maxSteps: 10_000 } });
        } catch (err) {
          expect(err).toBeInstanceOf(EngineError);
          return;
        }
        try {
          const value = compiled.evaluate(d, { v: 1 }, { now: new Date(0) });
          expect(typeof value).not.toBe('function');
        } catch (err) {
          expect(err).toBeInstanceOf(EngineError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('Given a rule that throws the data, When the data has no prototype, Then evaluation fails with an EngineError (the property test found String() raising TypeError)', () => {
    const compiled = compileExpression({ throw: { var: '' } }, { language: 'jsonlogic' });
    const err = (() => {
      try {
        compiled.evaluate(Object.create(null) as Record<string, unknown>, {}, { now: new Date(0) });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('EVALUATION_ERROR');
  });

  it('never yields host objects through prototype paths', () => {
    fc.assert(
      fc.property(fc.constantFrom('var', 'val'), fc.constantFrom('constructor', '__proto__', 'prototype', 'a.constructor', 'a.__proto__'), (op, p) => {
        const r = { [op]: op === 'val' ? p.split('.') : p };
        try {
          const v = compileExpression(r, { language: 'jsonlogic' }).evaluate({ a: {} }, undefined, { now: new Date() });
          expect(v === null || typeof v !== 'object' || Object.getPrototypeOf(v) === null).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(EngineError);
        }
      }),
    );
  });

  it('refuses scope climbs that would make json-logic-engine loop for ever (found by this property test)', () => {
    for (const rule of [
      { exists: [[-3.852028116687208e86], 1666611928, [null, true], { '!!': false }] },
      { val: [[1e9], 'a'] },
      { val: [[{ var: 'n' }], 'a'] },
      { exists: [[33], 'a'] },
    ]) {
      const started = performance.now();
      let error: unknown;
      try {
        compileExpression(rule, { language: 'jsonlogic' }).evaluate({ a: 1, n: 1e12 }, undefined, { now: new Date() });
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(rule)).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('LIMIT_EXCEEDED');
      expect(performance.now() - started).toBeLessThan(1000);
    }
    // Small climbs are still accepted (real rules use 1–3).
    const small = compileExpression({ map: [{ var: 'items' }, { val: [[2], 'bonus'] }] }, { language: 'jsonlogic' });
    expect(() => small.evaluate({ items: [1, 2], bonus: 10 }, undefined, { now: new Date() })).not.toThrow();
  });
});
