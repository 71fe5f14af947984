/**
 * Conventions of seed 002's Java implementation that a migrating bank relies on. Each is checked
 * on the interpreted path (with steps), the compiled fast path (result only) and the general walker (codegen: false).
 */
import { describe, expect, it } from 'vitest';
import { compileTree, validateTree, type NodeDefinition, type StrategyType, type TreeDefinition } from '../../src/engine/index.js';
import { purchaseTotal } from '../../src/engine/strategies/index.js';
import { calc } from './helpers.js';

const now = new Date('2026-03-01T00:00:00Z');

const spel = (nodeId: string, expression: string, children: NodeDefinition[]): NodeDefinition => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'SPEL_CONDITION', expression },
  children,
});

const leafTree = (strategy: StrategyType, parameters: Record<string, unknown>): TreeDefinition => ({
  name: 't',
  rootNode: spel('root', 'true', [calc('offer', strategy, parameters)]),
});

/** Evaluates on every path and checks they agree; returns the interpreted evaluation. */
function evaluateEverywhere(def: TreeDefinition, customer: Record<string, unknown>) {
  const tree = compileTree(def);
  const walker = compileTree(def, { codegen: false });
  const slow = walker.evaluate(customer, { now, trace: false });
  for (const t of [tree, walker]) {
    const fast = t.evaluate(customer, { now, recordSteps: false });
    expect(fast.result).toStrictEqual(slow.result);
    expect(fast.path).toStrictEqual(slow.path);
  }
  const fastSteps = tree.evaluate(customer, { now, trace: false });
  expect(fastSteps).toStrictEqual(slow);
  return slow;
}

describe('a condition whose expression evaluates to null', () => {
  it('Given a condition #{region} and a customer whose region is null, When evaluated, Then the step is SUCCESS with output false and the sibling offer wins', () => {
    const def: TreeDefinition = {
      name: 'null condition',
      rootNode: spel('root', 'true', [
        spel('by-region', '#{region}', [calc('region-offer', 'FIXED_AMOUNT', { discountAmount: 100, promotionId: 'region' })]),
        calc('fallback', 'FIXED_AMOUNT', { discountAmount: 1, promotionId: 'fallback' }),
      ]),
    };
    // As the Java CustomerPayload has the field, null (a missing map key is EL1008E, as in SpEL).
    const { result, steps, path } = evaluateEverywhere(def, { customerId: 'C1', region: null });
    const step = steps.find((s) => s.nodeId === 'by-region');
    expect(step).toMatchObject({ status: 'SUCCESS', output: false });
    expect(step).not.toHaveProperty('error');
    expect(result.promotionId).toBe('fallback');
    expect(path).toEqual(['root', 'fallback']);
  });

  it('Given a ternary that yields null, When evaluated, Then it is false (SUCCESS), while a non-boolean non-null value is still a FAILED step', () => {
    const def: TreeDefinition = {
      name: 'null ternary',
      rootNode: spel('root', 'true', [
        spel('ternary', "#{accountType == 'VIP' ? null : true}", [calc('a', 'FIXED_AMOUNT', { discountAmount: 5 })]),
        spel('number', '#{creditScore}', [calc('b', 'FIXED_AMOUNT', { discountAmount: 6 })]),
      ]),
    };
    const { steps, result } = evaluateEverywhere(def, { customerId: 'C1', accountType: 'VIP', creditScore: 700 });
    expect(steps.find((s) => s.nodeId === 'ternary')).toMatchObject({ status: 'SUCCESS', output: false });
    expect(steps.find((s) => s.nodeId === 'number')).toMatchObject({ status: 'FAILED' });
    expect(result.eligible).toBe(false);
  });
});

describe('FIXED_AMOUNT minPurchaseAmount and maxDiscountAmount', () => {
  const offer = { promotionId: 'min', discountAmount: 5000, minPurchaseAmount: 20000 };

  it('Given a history summing to 15,000 and minPurchaseAmount 20,000, When evaluated, Then the 5,000 offer is not granted', () => {
    const { result } = evaluateEverywhere(leafTree('FIXED_AMOUNT', offer), {
      customerId: 'C',
      transactionHistory: [{ amount: 10000 }, { amount: 5000 }],
      annualIncome: 9_000_000,
    });
    expect(result.eligible).toBe(false);
  });

  it('Given a history summing to 20,000, When evaluated, Then the offer is granted (the minimum is inclusive)', () => {
    const { result } = evaluateEverywhere(leafTree('FIXED_AMOUNT', offer), {
      customerId: 'C',
      transactionHistory: [{ amount: 12000.5 }, { amount: '7999.5' }],
    });
    expect(result).toMatchObject({ eligible: true, discountAmount: 5000 });
  });

  it('Given no transaction history, When evaluated, Then the purchase total is 10 % of annualIncome', () => {
    expect(evaluateEverywhere(leafTree('FIXED_AMOUNT', offer), { customerId: 'C', annualIncome: 200000, transactionHistory: [] }).result.eligible).toBe(true);
    expect(evaluateEverywhere(leafTree('FIXED_AMOUNT', offer), { customerId: 'C', annualIncome: 199999.99 }).result.eligible).toBe(false);
    expect(evaluateEverywhere(leafTree('FIXED_AMOUNT', offer), { customerId: 'C' }).result.eligible).toBe(false);
    expect(purchaseTotal({ annualIncome: 123456.78 }).toString()).toBe('12345.678');
    expect(purchaseTotal({ transactionHistory: [{ amount: 1 }, { amount: 'x' }, {}, { amount: 2.5 }] }).toString()).toBe('3.5');
  });

  it('Given maxDiscountAmount 3,000 on a 5,000 offer, When evaluated, Then 3,000 is granted', () => {
    const { result } = evaluateEverywhere(leafTree('FIXED_AMOUNT', { discountAmount: 5000, maxDiscountAmount: 3000 }), { customerId: 'C' });
    expect(result.discountAmount).toBe(3000);
  });
});

describe('PERCENTAGE_DISCOUNT / TIERED_DISCOUNT base', () => {
  const customer = { customerId: 'C', annualIncome: 2_000_000, accountBalance: 500_000 };

  it('Given PERCENTAGE_DISCOUNT 1 % without baseAmount or baseField, When evaluated, Then the base is annualIncome (20,000), not accountBalance', () => {
    expect(evaluateEverywhere(leafTree('PERCENTAGE_DISCOUNT', { discountPercentage: 1 }), customer).result.discountAmount).toBe(20000);
  });

  it('Given PERCENTAGE_DISCOUNT with baseAmount 10,000, When evaluated, Then the base is baseAmount', () => {
    expect(evaluateEverywhere(leafTree('PERCENTAGE_DISCOUNT', { discountPercentage: 1, baseAmount: 10000 }), customer).result.discountAmount).toBe(100);
  });

  it('Given TIERED_DISCOUNT without baseAmount, When evaluated, Then tiers are chosen by annualIncome; with baseAmount, by baseAmount', () => {
    const tiers = [
      { threshold: 1_000_000, discountAmount: 1000 },
      { threshold: 1_500_000, discountPercentage: 1 },
    ];
    expect(evaluateEverywhere(leafTree('TIERED_DISCOUNT', { tiers }), customer).result.discountAmount).toBe(20000);
    expect(evaluateEverywhere(leafTree('TIERED_DISCOUNT', { tiers, baseAmount: 1_200_000 }), customer).result.discountAmount).toBe(1000);
    expect(evaluateEverywhere(leafTree('TIERED_DISCOUNT', { discountPercentage: 0.5 }), customer).result.discountAmount).toBe(10000);
  });
});

describe('unknown strategy parameters', () => {
  it('Given a PERCENTAGE_DISCOUNT with minPurchaseAmount (a FIXED_AMOUNT parameter), When the tree is validated, Then it is refused naming the field', () => {
    const diagnostics = validateTree(leafTree('PERCENTAGE_DISCOUNT', { discountPercentage: 1, minPurchaseAmount: 100 }));
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'INVALID_PARAMETER', field: 'parameters.minPurchaseAmount', nodeId: 'offer' })]);
    expect(diagnostics[0]?.message).toMatch(/^unknown parameter minPurchaseAmount for PERCENTAGE_DISCOUNT; expected one of /);
  });

  it('Given a misspelt parameter (discountAmout), When validated, Then refused; FORMULA still takes extra #param_ inputs', () => {
    expect(validateTree(leafTree('FIXED_AMOUNT', { discountAmount: 1, discountAmout: 5 })).map((d) => d.field)).toEqual(['parameters.discountAmout']);
    expect(validateTree(leafTree('FIXED_AMOUNT', { discountAmount: 1, minPurchaseAmount: 5, maxDiscountAmount: 1, validDays: 3, promotionName: 'x' }))).toEqual(
      [],
    );
    expect(validateTree(leafTree('FORMULA', { formula: '#param_rate * 2', rate: 3 }))).toEqual([]);
  });
});
