import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTORS } from '../../src/demo/factors.js';
import { creditReport } from '../../src/sandbox/credit-bureau.routes.js';
import { AS_ADMIN, startTestApp, type TestApp } from '../helpers/app.js';
import { capturingRecorder, evaluate, sideEffects } from '../helpers/evaluations.js';

/**
 * Every factor of seed 002's 條件因子與計算因子 tables, evaluated end to end through the demo data:
 * demo trees `factor-<slug>`, the demo sandbox behind the external systems, reference data imported
 * over HTTP.
 */
const BASE = {
  customerId: 'CUST-F',
  accountType: '一般',
  annualIncome: 500000,
  creditScore: 650,
  region: '花蓮縣',
  transactionCount: 5,
  accountBalance: 50000,
  transactionHistory: [{ amount: 100 }, { amount: 200 }, { amount: 300 }, { amount: 400 }],
};
const history = (n: number, amount = 100) => Array.from({ length: n }, () => ({ amount }));

/** Customer ids whose deterministic sandbox bureau score is ≥ 700 and < 700. */
function bureauIds(): { good: string; poor: string } {
  let good = '';
  let poor = '';
  for (let i = 0; (good === '' || poor === '') && i < 1000; i++) {
    const id = `CUST-CB-${i}`;
    const score = creditReport(id, undefined, new Date()).score;
    if (score >= 700 && good === '') good = id;
    if (score < 700 && poor === '') poor = id;
  }
  return { good, poor };
}
const { good: BUREAU_GOOD, poor: BUREAU_POOR } = bureauIds();

interface Case {
  readonly slug: string;
  readonly given: string;
  readonly customer: Record<string, unknown>;
  /** The offer's amount, or null when no offer is expected. */
  readonly amount: number | null;
  readonly details?: Record<string, unknown>;
}

const CASES: readonly Case[] = [
  { slug: 'account-type', given: 'a VIP account', customer: { accountType: 'VIP' }, amount: 500 },
  { slug: 'account-type', given: 'a regular account', customer: {}, amount: null },
  { slug: 'annual-income', given: 'income 2,000,000', customer: { annualIncome: 2000000 }, amount: 800 },
  { slug: 'annual-income', given: 'income 1,999,999', customer: { annualIncome: 1999999 }, amount: null },
  { slug: 'credit-score', given: 'credit score 750', customer: { creditScore: 750 }, amount: 300 },
  { slug: 'credit-score', given: 'credit score 749', customer: { creditScore: 749 }, amount: null },
  { slug: 'region', given: 'region 新北市', customer: { region: '新北市' }, amount: 200 },
  { slug: 'region', given: 'region 台中市', customer: { region: '台中市' }, amount: null },
  { slug: 'account-balance', given: 'balance 500,000', customer: { accountBalance: 500000 }, amount: 400 },
  { slug: 'transaction-frequency', given: '50 transactions', customer: { transactionCount: 50 }, amount: 300 },
  { slug: 'transaction-frequency', given: '49 transactions', customer: { transactionCount: 49 }, amount: null },
  { slug: 'transaction-amount', given: 'five transactions over 10,000', customer: { transactionHistory: history(5, 20000) }, amount: 600 },
  {
    slug: 'transaction-amount',
    given: 'four transactions over 10,000',
    customer: { transactionHistory: [...history(4, 20000), { amount: 10000 }] },
    amount: null,
  },
  { slug: 'new-customer', given: 'three transactions on record', customer: { transactionHistory: history(3) }, amount: 100 },
  { slug: 'new-customer', given: 'four transactions on record', customer: {}, amount: null },
  { slug: 'vip-active', given: 'a VIP with 30 transactions', customer: { accountType: 'VIP', transactionCount: 30 }, amount: 700 },
  { slug: 'vip-active', given: 'a VIP with 29 transactions', customer: { accountType: 'VIP', transactionCount: 29 }, amount: null },
  { slug: 'high-value', given: 'income 2,000,000 and score 700', customer: { annualIncome: 2000000, creditScore: 700 }, amount: 1000 },
  { slug: 'high-value', given: 'income 2,000,000 and score 699', customer: { annualIncome: 2000000, creditScore: 699 }, amount: null },
  {
    slug: 'quality-new',
    given: 'score 650, income 800,000, five transactions',
    customer: { annualIncome: 800000, transactionHistory: history(5) },
    amount: 800,
  },
  {
    slug: 'quality-new',
    given: 'score 650, income 800,000, six transactions',
    customer: { annualIncome: 800000, transactionHistory: history(6) },
    amount: null,
  },
  { slug: 'risk-customer', given: 'a customer who is not risky', customer: {}, amount: 200 },
  { slug: 'risk-customer', given: 'a risky customer (score 599)', customer: { creditScore: 599 }, amount: null },
  { slug: 'risk-customer', given: 'a risky customer (balance 9,999)', customer: { accountBalance: 9999 }, amount: null },
  { slug: 'credit-bureau', given: 'a bureau score ≥ 700', customer: { customerId: BUREAU_GOOD }, amount: 500 },
  { slug: 'credit-bureau', given: 'a bureau score < 700', customer: { customerId: BUREAU_POOR }, amount: null },
  { slug: 'aml', given: 'a clear AML screen', customer: { customerId: 'CUST-CLEAR' }, amount: 200 },
  { slug: 'aml', given: 'an AML hit', customer: { customerId: 'CUST-AML-001' }, amount: null },
  { slug: 'blacklist', given: 'a customer not on the blacklist', customer: {}, amount: 200 },
  { slug: 'blacklist', given: 'a blacklisted customer', customer: { customerId: 'CUST-BLACK' }, amount: null },
  { slug: 'product-holdings', given: 'a customer holding two products', customer: { customerId: 'CUST-MULTI' }, amount: 500 },
  { slug: 'product-holdings', given: 'a customer holding one product', customer: { customerId: 'CUST-CARD' }, amount: null },
  {
    slug: 'percentage-discount',
    given: '10 transactions and balance 1,000,000 (0.1%)',
    customer: { transactionCount: 10, accountBalance: 1000000 },
    amount: 1000,
  },
  {
    slug: 'percentage-discount',
    given: '10 transactions and balance 5,000,000 (capped)',
    customer: { transactionCount: 10, accountBalance: 5000000 },
    amount: 2000,
  },
  { slug: 'fixed-amount', given: 'a new customer with score 600', customer: { creditScore: 600, transactionHistory: [] }, amount: 500 },
  { slug: 'tiered-discount', given: 'a VIP with income 2,500,000', customer: { accountType: 'VIP', annualIncome: 2500000 }, amount: 3000 },
  { slug: 'tiered-discount', given: 'a 白金 customer with income 6,000,000', customer: { accountType: '白金', annualIncome: 6000000 }, amount: 8000 },
  { slug: 'tiered-discount', given: 'a VIP with income 900,000 (below every tier)', customer: { accountType: 'VIP', annualIncome: 900000 }, amount: null },
  { slug: 'progressive-discount', given: '20 transactions and balance 600,000', customer: { transactionCount: 20, accountBalance: 600000 }, amount: 1200 },
  {
    slug: 'vip-wealth',
    given: 'a VIP with income 2,000,000 (2000 × 1.5 + 1000)',
    customer: { accountType: 'VIP', annualIncome: 2000000 },
    amount: 4000,
    details: { services: ['專屬理財顧問', '手續費全免'] },
  },
  { slug: 'vip-credit-card', given: 'a VIP (2400 + 1200)', customer: { accountType: 'VIP' }, amount: 3600, details: { card: '白金卡' } },
  {
    slug: 'vip-loan',
    given: 'a VIP with score 700 (2.06% − 0.5%)',
    customer: { accountType: 'VIP', creditScore: 700 },
    amount: 1.56,
    details: { rateUnit: 'PERCENTAGE_POINTS', offeredRate: 1.56 },
  },
  { slug: 'new-account', given: 'no transactions yet', customer: { transactionHistory: [] }, amount: 1000 },
  {
    slug: 'digital-account',
    given: 'a digital-banking customer (100 × 6 months)',
    customer: { digitalBanking: true },
    amount: 600,
    details: { waiverMonths: 6 },
  },
  { slug: 'digital-account', given: 'a branch customer', customer: { digitalBanking: false }, amount: null },
  {
    slug: 'time-deposit',
    given: 'balance 100,000 (1.6% + 0.2%)',
    customer: { accountBalance: 100000 },
    amount: 1.8,
    details: { rateUnit: 'PERCENTAGE_POINTS' },
  },
  { slug: 'region-north', given: 'region 台北市', customer: { region: '台北市' }, amount: 300 },
  { slug: 'region-central', given: 'region 彰化縣', customer: { region: '彰化縣' }, amount: 300 },
  { slug: 'region-central', given: 'region 台北市', customer: { region: '台北市' }, amount: null },
  { slug: 'region-south', given: 'region 台南市', customer: { region: '台南市' }, amount: 300 },
  { slug: 'cross-sell-credit-card', given: 'good credit and no credit card', customer: { creditScore: 720 }, amount: 1800 },
  { slug: 'cross-sell-credit-card', given: 'good credit and an active credit card', customer: { customerId: 'CUST-CARD', creditScore: 720 }, amount: null },
  { slug: 'cross-sell-investment', given: 'balance 1,000,000 and no investment (0.5%, capped 3000)', customer: { accountBalance: 1000000 }, amount: 3000 },
  {
    slug: 'cross-sell-investment',
    given: 'balance 1,000,000 and an investment product',
    customer: { customerId: 'CUST-MULTI', accountBalance: 1000000 },
    amount: null,
  },
  {
    slug: 'cross-sell-insurance',
    given: 'a family of four paying 20,000 a year, uninsured',
    customer: { familyMembers: 4, annualPremium: 20000 },
    amount: 2000,
  },
  { slug: 'cross-sell-insurance', given: 'a family of two', customer: { familyMembers: 2 }, amount: null },
  {
    slug: 'drools-vip',
    given: 'a VIP with income 2,000,000 and score 700 (Drools rule)',
    customer: { accountType: 'VIP', annualIncome: 2000000, creditScore: 700 },
    amount: 5000,
  },
  { slug: 'drools-vip', given: 'a VIP with score 650 (Drools rule does not fire)', customer: { accountType: 'VIP', annualIncome: 2000000 }, amount: null },
];

let app: TestApp;
const { records, overrides } = capturingRecorder();

async function importCsv(dataset: string, csv: string): Promise<void> {
  const response = await app.app.inject({
    method: 'POST',
    url: `/api/v1/management/reference-data/${dataset}`,
    headers: { ...AS_ADMIN, 'content-type': 'text/csv' },
    payload: csv,
  });
  expect(response.statusCode).toBe(200);
}

beforeAll(async () => {
  app = await startTestApp({ DEMO_DATA: 'true', DEMO_FACTOR_TREES_ACTIVE: 'true' }, overrides);
  await importCsv('customer-blacklist', 'customer_id,reason,source\nCUST-BLACK,fraud,FSC\n');
  await importCsv(
    'product-holdings',
    'customer_id,product_type,product_id,status\nCUST-CARD,CREDIT_CARD,CC-1,ACTIVE\nCUST-MULTI,INVESTMENT,F-1,ACTIVE\nCUST-MULTI,INSURANCE,I-1,ACTIVE\n',
  );
});
afterAll(async () => app?.destroy());

describe('seed 002 factor catalogue', () => {
  it('Given the demo data, When listing, Then every factor has a tree, a test case with an offer, and the demo sandbox backs the external systems', async () => {
    expect(app.modules.get('sandbox').running).not.toBeNull();
    const slugs = new Set(CASES.filter((c) => c.amount !== null).map((c) => c.slug));
    expect(FACTORS.map((f) => f.slug).filter((s) => !slugs.has(s))).toEqual([]);
    for (const f of FACTORS) expect(await app.modules.get('trees').service.current(`factor-${f.slug}`)).toBeDefined();
  });

  it.each(CASES)('Given $given, When evaluating factor-$slug, Then the offer is $amount', async ({ slug, customer, amount, details }) => {
    const result = await evaluate(app, { ...BASE, ...customer }, `factor-${slug}`);
    expect(result.status).toBe(200);
    if (amount === null) {
      expect(result.body.data?.eligible).toBe(false);
      return;
    }
    expect(result.body.data).toMatchObject({ eligible: true, promotionId: `factor-${slug}`, discountAmount: amount });
    if (details) expect(result.body.data?.additionalDetails).toMatchObject(details);
  });

  it('Given the external factors, When evaluating, Then their calls and queries are in the step outputs of that request', async () => {
    const bureau = await evaluate(app, { ...BASE, customerId: BUREAU_GOOD }, 'factor-credit-bureau');
    expect(sideEffects(records, bureau.requestId).calls[0]).toMatchObject({ system: 'credit-bureau', status: 'SUCCESS', nodeId: 'credit-bureau' });
    const blacklisted = await evaluate(app, { ...BASE, customerId: 'CUST-BLACK' }, 'factor-blacklist');
    expect(sideEffects(records, blacklisted.requestId).queries[0]).toMatchObject({ queryName: 'blacklist-check', rowCount: 1 });
  });

  it('Given no treeId, When a VIP high earner is evaluated, Then the document trees still win over the factor catalogue', async () => {
    const result = await evaluate(app, { ...BASE, accountType: 'VIP', annualIncome: 2500000, creditScore: 780 });
    expect(result.body.data?.eligible).toBe(true);
    expect(String(result.body.data?.promotionId)).not.toMatch(/^factor-/);
  });

  it('Given a DRL with a syntax error, When writing it as a DROOLS rule, Then 400 VALIDATION_FAILED points at line and column', async () => {
    const response = await app.app.inject({
      method: 'POST',
      url: '/api/v1/management/promotion-rules',
      headers: AS_ADMIN,
      payload: { name: 'broken-drl', ruleType: 'DROOLS', ruleContent: 'rule "x"\nwhen\n  Customer( accountType == )\nthen\nend' },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.errorCode).toBe('VALIDATION_FAILED');
    expect(body.errors[0]).toMatchObject({ field: 'ruleContent', position: { line: 3 } });
  });
});
