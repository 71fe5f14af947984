import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

describe(`bad input never breaks the service (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });

  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.anything(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }));

  it('Given arbitrary customer payloads, When evaluated, Then the answer is 200 or a 4xx envelope — never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            customerId: fc.oneof(fc.string({ maxLength: 60 }), anyValue),
            accountType: anyValue,
            annualIncome: anyValue,
            creditScore: anyValue,
            region: anyValue,
            transactionCount: anyValue,
            accountBalance: anyValue,
            transactionHistory: fc.oneof(fc.array(fc.dictionary(fc.string(), anyValue, { maxKeys: 3 }), { maxLength: 5 }), anyValue),
            treeId: fc.oneof(fc.constantFrom('vip-customer-tree', 'promotion-decision-tree', 'new-customer-tree'), anyValue),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const res = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate?dryRun=true', payload: body });
          expect([200, 400, 404]).toContain(res.statusCode);
          const json = res.json();
          expect(json.success).toBe(res.statusCode === 200);
          if (res.statusCode !== 200) expect(typeof json.errorCode).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('Given arbitrary tree bodies, When created, Then 201 or a 4xx envelope — never a 500 — and the tree count only grows by the 201s', async () => {
    const node = fc.letrec((tie) => ({
      node: fc.record(
        {
          nodeId: fc.oneof(fc.string({ maxLength: 10 }), fc.constant(undefined)),
          nodeType: fc.constantFrom('CONDITION', 'CALCULATION', 'OTHER'),
          configuration: fc.record(
            {
              commandType: fc.constantFrom('SPEL_CONDITION', 'JSONLOGIC_CONDITION', 'CALCULATION', 'DROOLS_RULE', 'NOPE'),
              expression: fc.oneof(fc.constantFrom("#{accountType == 'VIP'}", '#{', '#{T(java.lang.Runtime)}', '{"==":[1,1]}'), fc.string(), anyValue),
              strategyType: fc.constantFrom('FIXED_AMOUNT', 'PERCENTAGE_DISCOUNT', 'TIERED_DISCOUNT', 'PROGRESSIVE_DISCOUNT', 'FORMULA', 'X'),
              parameters: fc.dictionary(fc.constantFrom('discountAmount', 'discountPercentage', 'tiers', 'brackets', 'formula', 'validDays'), anyValue, { maxKeys: 3 }),
            },
            { requiredKeys: ['commandType'] },
          ),
          children: fc.oneof(fc.constant(undefined), fc.array(tie('node'), { maxLength: 2 })),
        },
        { requiredKeys: ['nodeType', 'configuration'] },
      ),
    })).node;
    let created = 0;
    const before = (await t.app.inject({ method: 'GET', url: '/api/v1/management/decision-trees', headers: AS_MANAGER })).json().data.totalElements as number;
    await fc.assert(
      fc.asyncProperty(fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), status: fc.constantFrom('DRAFT', 'ACTIVE'), rootNode: node }), async (tree) => {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/management/decision-trees', headers: AS_MANAGER, payload: { ...tree, status: 'DRAFT' } });
        expect([201, 400]).toContain(res.statusCode);
        if (res.statusCode === 201) created++;
      }),
      { numRuns: 200 },
    );
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/management/decision-trees', headers: AS_MANAGER })).json().data.totalElements as number;
    expect(after - before).toBe(created);
  });
});
