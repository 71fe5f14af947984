import { describe, expect, it } from 'vitest';
import { CUST001 } from '../../src/evaluation/examples.js';
import { newCustomerTree, promotionDecisionTree, vipCustomerTree } from '../../src/demo/trees.js';
import { compileTree, validateTree } from '../../src/engine/index.js';

const now = new Date('2025-11-06T19:50:55Z');
// Seed 002's documented example customer, the one the API docs and the demo use.
const cust001 = CUST001;

describe('public API on the seed trees (SpEL)', () => {
  it('validates all three seed trees', () => {
    for (const t of [promotionDecisionTree, vipCustomerTree, newCustomerTree]) expect(validateTree(t)).toEqual([]);
  });

  it('answers the document CUST001 curl example', () => {
    const { result, path } = compileTree(promotionDecisionTree).evaluate(cust001, { now });
    expect(result).toEqual({
      promotionId: 'promo-vip-001',
      promotionName: 'VIP專屬優惠',
      promotionType: 'VIP',
      discountAmount: 5000,
      discountPercentage: 10,
      description: 'VIP客戶專屬高額優惠',
      validUntil: '2026-02-06T19:50:55',
      additionalDetails: { tier: 'VIP', category: 'premium' },
      eligible: true,
    });
    expect(path).toEqual(['root', 'vip-branch', 'vip-income', 'calc-vip-high']);
  });

  it('runs example 1 (VIP, tier from the leaf itself) and example 2 (new customer)', () => {
    const vip = compileTree(vipCustomerTree).evaluate(cust001, { now });
    expect(vip.result).toMatchObject({ promotionName: 'VIP專屬理財優惠', discountAmount: 5000, discountPercentage: 10, validUntil: null, eligible: true });
    const fresh = compileTree(newCustomerTree).evaluate({ ...cust001, creditScore: 660 }, { now });
    expect(fresh.result).toMatchObject({ promotionName: '新戶開戶優惠', discountAmount: 1000, validUntil: '2025-12-06T19:50:55', eligible: true });
    expect(compileTree(newCustomerTree).evaluate({ ...cust001, creditScore: 600 }, { now }).result.eligible).toBe(false);
  });

  it('answers the CUST002 regular example with the progressive offer or new-account offer', () => {
    const cust002 = {
      customerId: 'CUST002',
      accountType: '一般',
      annualIncome: 500000,
      creditScore: 650,
      region: '台中市',
      transactionCount: 20,
      accountBalance: 100000,
      transactionHistory: [],
    };
    expect(compileTree(promotionDecisionTree).evaluate(cust002, { now }).result.promotionId).toBe('promo-new-001');
    const existing = compileTree(promotionDecisionTree).evaluate({ ...cust002, transactionHistory: [1, 2, 3, 4] }, { now });
    expect(existing.result).toMatchObject({ promotionId: 'promo-reg-001', discountAmount: 100 });
    expect(existing.steps.find((s) => s.nodeId === 'reg-new')?.input).toEqual({ transactionHistory: [1, 2, 3, 4] });
  });

  it('computes a SpEL FORMULA in money mode with #param_ variables', () => {
    const tree = compileTree({
      name: 'f',
      rootNode: {
        nodeId: 'f',
        nodeType: 'CALCULATION',
        configuration: { commandType: 'CALCULATION', strategyType: 'FORMULA', parameters: { formula: 'accountBalance * #param_rate', rate: 0.015 } },
      },
    });
    expect(tree.evaluate({ accountBalance: 333333 }, { now }).result.discountAmount).toBe(5000);
  });
});
