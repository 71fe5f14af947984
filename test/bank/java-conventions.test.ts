import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_AUDITOR, AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const TREES = '/api/v1/management/decision-trees';

const tree = (treeId: string, children: unknown[], expression = 'true') => ({
  treeId,
  name: treeId,
  status: 'ACTIVE',
  rootNode: { nodeId: 'root', nodeType: 'CONDITION', configuration: { commandType: 'SPEL_CONDITION', expression }, children },
});
const leaf = (nodeId: string, strategyType: string, parameters: Record<string, unknown>) => ({
  nodeId,
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType, parameters },
});

describe(`the Java implementation's conventions over HTTP on ${DB_KIND}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });
  const evaluate = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: body });

  it('Given a FIXED_AMOUNT 5,000 offer with minPurchaseAmount 50,000, When a customer with 15,000 of purchases is evaluated, Then no offer; with 60,000, the offer', async () => {
    const write = await t.app.inject({
      method: 'POST',
      url: TREES,
      headers: AS_MANAGER,
      payload: tree('min-purchase', [leaf('big', 'FIXED_AMOUNT', { discountAmount: 5000, minPurchaseAmount: 50000, promotionId: 'promo-min' })]),
    });
    expect(write.statusCode).toBe(201);
    const below = await evaluate({ customerId: 'MIN1', treeId: 'min-purchase', transactionHistory: [{ amount: 10000 }, { amount: 5000 }] });
    expect(below.json().data).toMatchObject({ eligible: false });
    const above = await evaluate({ customerId: 'MIN2', treeId: 'min-purchase', transactionHistory: [{ amount: 60000 }] });
    expect(above.json().data).toMatchObject({ eligible: true, promotionId: 'promo-min', discountAmount: 5000 });
    // No history: 10 % of annualIncome (600,000 → 60,000) is the purchase total.
    const income = await evaluate({ customerId: 'MIN3', treeId: 'min-purchase', annualIncome: 600000 });
    expect(income.json().data).toMatchObject({ eligible: true });
  });

  it('Given a strategy parameter the strategy does not take, When the tree is written, Then 400 VALIDATION_FAILED naming the field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: TREES,
      headers: AS_MANAGER,
      payload: tree('unknown-param', [leaf('pct', 'PERCENTAGE_DISCOUNT', { discountPercentage: 1, minPurchaseAmount: 100 })]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errorCode).toBe('VALIDATION_FAILED');
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'rootNode.parameters.minPurchaseAmount', nodeId: 'pct' })]);
    expect(res.json().message).toContain('minPurchaseAmount');
  });

  it('Given PERCENTAGE_DISCOUNT without baseAmount, When evaluated, Then the base is annualIncome', async () => {
    await t.app.inject({
      method: 'POST',
      url: TREES,
      headers: AS_MANAGER,
      payload: tree('pct-income', [leaf('pct', 'PERCENTAGE_DISCOUNT', { discountPercentage: 1 })]),
    });
    const res = await evaluate({ customerId: 'PCT1', treeId: 'pct-income', annualIncome: 1234567, accountBalance: 1000 });
    expect(res.json().data).toMatchObject({ eligible: true, discountAmount: 12345.67 });
  });

  it('Given a condition #{region} and region null, When evaluated, Then the recorded decision step is SUCCESS with output false', async () => {
    await t.app.inject({
      method: 'POST',
      url: TREES,
      headers: AS_MANAGER,
      payload: tree('null-cond', [
        {
          nodeId: 'region',
          nodeType: 'CONDITION',
          configuration: { commandType: 'SPEL_CONDITION', expression: '#{region}' },
          children: [leaf('r', 'FIXED_AMOUNT', { discountAmount: 1 })],
        },
      ]),
    });
    const res = await evaluate({ customerId: 'NULL1', treeId: 'null-cond', region: null });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.eligible).toBe(false);
    const requestId = res.json().requestId as string;
    const steps = await t.app.inject({ method: 'GET', url: `/api/v1/audit/decisions?requestId=${requestId}`, headers: AS_AUDITOR });
    const step = (steps.json().data.content as { nodeId: string; status: string; outputData: unknown; errorDetails: string | null }[]).find(
      (s) => s.nodeId === 'region',
    );
    expect(step).toMatchObject({ status: 'SUCCESS', outputData: false, errorDetails: null });
  });
});
