import { describe, expect, it } from 'vitest';
import { compileExpression, currencyScale, roundMoney, toDecimal, validateExpression, validateStrategy, EngineError } from '../../src/engine/index.js';

describe('decimal helpers', () => {
  it('rounds HALF_UP without binary floating point', () => {
    expect(roundMoney(toDecimal(2.675)).toString()).toBe('2.68');
    expect(roundMoney(toDecimal('4999.995')).toString()).toBe('5000');
    expect(roundMoney(toDecimal('-1.005')).toString()).toBe('-1.01');
    expect(currencyScale('JPY')).toBe(0);
    expect(currencyScale('TWD')).toBe(2);
    expect(() => toDecimal('abc')).toThrow(EngineError);
    expect(() => toDecimal(Number.NaN)).toThrow(/finite/);
  });
});

describe('validateStrategy', () => {
  it('names the field and says what is wrong', () => {
    expect(validateStrategy('PERCENTAGE_DISCOUNT', { discountPercentage: 101 })).toEqual([
      { code: 'INVALID_PARAMETER', field: 'parameters.discountPercentage', message: 'discountPercentage must be between 0 and 100, got 101' },
    ]);
    expect(validateStrategy('FIXED_AMOUNT', {})).toEqual([
      expect.objectContaining({ field: 'parameters.discountAmount', message: expect.stringContaining('required') }),
    ]);
    expect(validateStrategy('NOPE', {})).toEqual([expect.objectContaining({ field: 'strategyType' })]);
    expect(
      validateStrategy('PROGRESSIVE_DISCOUNT', {
        brackets: [
          { from: 0, to: 10, rate: 1 },
          { from: 20, rate: 2 },
        ],
      }),
    ).toEqual([expect.objectContaining({ field: 'parameters.brackets[1].from', message: expect.stringContaining('contiguous') })]);
    expect(validateStrategy('TIERED_DISCOUNT', { discountAmount: 5000, discountPercentage: 10 })).toEqual([]);
    expect(validateStrategy('FORMULA', { formula: '{"foo": 1}', language: 'jsonlogic' })).toEqual([
      expect.objectContaining({ field: 'parameters.formula', code: 'UNKNOWN_FUNCTION' }),
    ]);
  });
});

describe('compileExpression / validateExpression', () => {
  it('dispatches JSONLogic given as text or value, and reports instead of throwing', () => {
    expect(
      compileExpression('{"in": [{"var": "region"}, ["台北市", "新北市"]]}', { language: 'jsonlogic' }).evaluate({ region: '台北市' }, undefined, {
        now: new Date(),
      }),
    ).toBe(true);
    const e = compileExpression({ and: [{ '>=': [{ var: 'annualIncome' }, 2000000] }, { '>=': [{ var: 'creditScore' }, 700] }] }, { language: 'jsonlogic' });
    expect(e.fields).toEqual(['annualIncome', 'creditScore']);
    expect(e.resultType).toBe('boolean');
    expect(validateExpression('{"==": [1,', { language: 'jsonlogic' })[0]).toMatchObject({ code: 'SYNTAX_ERROR', position: { line: 1 } });
    expect(validateExpression({ if: [{ var: 'a.__proto__' }, 1, 2] }, { language: 'jsonlogic' })[0]).toMatchObject({
      code: 'NOT_SUPPORTED',
      path: '$.if[0].var',
    });
    const deep = JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown;
    expect(validateExpression(deep, { language: 'jsonlogic' })[0]?.code).toBe('LIMIT_EXCEEDED');
  });

  it('injects the clock into date operators', () => {
    const e = compileExpression({ daysSince: [{ var: 'openedAt' }] }, { language: 'jsonlogic' });
    expect(e.evaluate({ openedAt: '2025-01-01' }, {}, { now: new Date('2025-01-31T12:00:00Z') })).toBe(30);
  });
});
