import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUST001, CUST002 } from '../../src/demo/customers.js';
import { AS_ADMIN, AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;

describe(`evaluate API on ${DB_KIND}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });

  const evaluate = (body: unknown, query = '', headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/api/v1/promotions/evaluate${query}`, payload: body as object, headers });

  it('Given the demo trees, When CUST001 (VIP, 2,000,000 income) is evaluated without a treeId, Then the document’s VIP offer comes back in the envelope', async () => {
    const res = await evaluate(CUST001);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      success: true,
      message: '優惠評估完成',
      errorCode: null,
      data: {
        promotionId: 'promo-vip-001',
        promotionName: 'VIP專屬優惠',
        promotionType: 'VIP',
        discountAmount: 5000,
        discountPercentage: 10.0,
        description: 'VIP客戶專屬高額優惠',
        additionalDetails: { tier: 'VIP', category: 'premium' },
        eligible: true,
      },
    });
    expect(body.timestamp).toMatch(LOCAL_DATE_TIME);
    expect(body.data.validUntil).toMatch(LOCAL_DATE_TIME);
    // The request id is in the header and in the envelope, and they agree.
    expect(res.headers['x-request-id']).toBe(body.requestId);
    // The other eligible offers (vip-customer-tree, new-customer-tree) are listed, not lost.
    const others = body.data.additionalDetails.otherEligibleOffers as { treeId: string }[];
    expect(others.map((o) => o.treeId).sort()).toEqual(['new-customer-tree', 'vip-customer-tree']);
  });

  it('Given the demo trees, When CUST002 (一般, no transactions) is evaluated, Then the 新戶開戶優惠 of 1000 applies', async () => {
    const res = await evaluate(CUST002);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ promotionId: 'promo-new-001', promotionName: '新戶開戶優惠', discountAmount: 1000, eligible: true });
  });

  it('Given treeId vip-customer-tree, When CUST001 is evaluated, Then only that tree decides (範例 1: VIP專屬理財優惠)', async () => {
    const res = await evaluate({ ...CUST001, treeId: 'vip-customer-tree' });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({ promotionName: 'VIP專屬理財優惠', discountAmount: 5000, discountPercentage: 10, eligible: true });
    expect(data.additionalDetails.otherEligibleOffers).toBeUndefined();
  });

  it('Given a customer no tree accepts, When evaluated, Then the default not-eligible result is returned with 200', async () => {
    const res = await evaluate({
      customerId: 'CUST404',
      accountType: 'UNKNOWN',
      transactionHistory: [{ amount: 1 }, { amount: 2 }, { amount: 3 }, { amount: 4 }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      success: true,
      message: '優惠評估完成，無符合資格的優惠',
      data: { eligible: false, promotionId: null, promotionName: null, discountAmount: null, additionalDetails: {} },
    });
  });

  it('Given each of the six leaves of 優惠評估決策邏輯, When a matching customer is evaluated on that tree, Then the leaf’s offer is computed with decimal HALF_UP amounts', async () => {
    const tree = { treeId: 'promotion-decision-tree' };
    const cases: [Record<string, unknown>, string, number][] = [
      [{ accountType: 'VIP', annualIncome: 6000000 }, 'promo-vip-001', 12000],
      [{ accountType: 'VIP', annualIncome: 1000000 }, 'promo-vip-002', 2000],
      [{ accountType: '白金', creditScore: 720, accountBalance: 123456.78 }, 'promo-plat-001', 1851.85], // 1.5 % of 123,456.78 = 1851.8517
      [{ accountType: '白金', creditScore: 650 }, 'promo-plat-002', 800],
      [{ accountType: '一般', transactionHistory: [] }, 'promo-new-001', 1000],
      // progressive: 100,000 × 0.1 % + 400,000 × 0.2 % + 100,000 × 0.3 % = 100 + 800 + 300
      [{ accountType: '一般', accountBalance: 600000, transactionHistory: [{}, {}, {}, {}] }, 'promo-reg-001', 1200],
    ];
    for (const [customer, promotionId, amount] of cases) {
      const res = await evaluate({ customerId: 'C-LEAF', ...customer, ...tree });
      expect(res.statusCode, JSON.stringify(customer)).toBe(200);
      expect(res.json().data, JSON.stringify(customer)).toMatchObject({ promotionId, discountAmount: amount, eligible: true });
    }
  });

  it('Given an unknown treeId, When evaluated, Then 404 RESOURCE_NOT_FOUND in the envelope', async () => {
    const res = await evaluate({ ...CUST001, treeId: 'no-such-tree' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, data: null, errorCode: 'RESOURCE_NOT_FOUND' });
  });

  it('Given an inactive tree, When it is named by treeId, Then 404 as for an unknown tree', async () => {
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/management/decision-trees',
      headers: AS_MANAGER,
      payload: {
        treeId: 'draft-tree',
        name: '草稿',
        status: 'DRAFT',
        rootNode: { nodeType: 'CALCULATION', configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { discountAmount: 1 } } },
      },
    });
    expect(create.statusCode).toBe(201);
    const res = await evaluate({ ...CUST001, treeId: 'draft-tree' });
    expect(res.statusCode).toBe(404);
  });

  it('Given the document’s invalid request (empty customerId), When evaluated, Then 400 INVALID_REQUEST “請求資料驗證失敗: 客戶ID不能為空”', async () => {
    const res = await evaluate({ customerId: '', accountType: 'VIP' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, data: null, message: '請求資料驗證失敗: 客戶ID不能為空', errorCode: 'INVALID_REQUEST' });
    expect(res.json().errors).toEqual([{ field: 'customerId', message: '客戶ID不能為空' }]);
  });

  it('Given Accept-Language: en, When the request is invalid, Then the messages are English', async () => {
    const res = await evaluate({ accountType: 'VIP', creditScore: 'high' }, '', { 'accept-language': 'en-US,en;q=0.9' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.errorCode).toBe('INVALID_REQUEST');
    expect(body.message).toMatch(/^Request validation failed: /);
    expect(body.errors).toEqual(
      expect.arrayContaining([{ field: 'customerId', message: 'customerId is required' }, expect.objectContaining({ field: 'creditScore' })]),
    );
  });

  it('Given malformed JSON, a wrong content type, or a body over 1 MB, When posted, Then 400 / 415 / 413 in the envelope — never a 500', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/promotions/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: '{"customerId":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ success: false, errorCode: 'INVALID_REQUEST' });

    const text = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    expect(text.json().errorCode).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await evaluate({ customerId: 'C', padding: 'x'.repeat(1_100_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().errorCode).toBe('PAYLOAD_TOO_LARGE');

    const notObject = await t.app.inject({
      method: 'POST',
      url: '/api/v1/promotions/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: '[1,2]',
    });
    expect(notObject.statusCode).toBe(400);
  });

  it('Given ?dryRun=true, When evaluated, Then the offer is computed, the response says dry run, and nothing is written', async () => {
    const before = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?customerId=DRY001', headers: AS_ADMIN });
    expect(before.json().data.totalElements).toBe(0);
    const res = await evaluate({ ...CUST001, customerId: 'DRY001' }, '?dryRun=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ success: true, dryRun: true, data: { promotionId: 'promo-vip-001' } });
    expect(res.json().message).toContain('試算');
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?customerId=DRY001', headers: AS_ADMIN });
    expect(after.json().data.totalElements).toBe(0);
  });

  it('Given evaluations were made, When the history is queried, Then each result is stored with its request id, tree and version, newest first', async () => {
    const first = await evaluate({ ...CUST001, customerId: 'HIST001' });
    const second = await evaluate({ ...CUST002, customerId: 'HIST001' });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?customerId=HIST001&page=0&size=10', headers: AS_MANAGER });
    expect(res.statusCode).toBe(200);
    const page = res.json().data;
    expect(page).toMatchObject({ page: 0, size: 10, totalElements: 2, totalPages: 1 });
    expect(page.content.map((h: { requestId: string }) => h.requestId)).toEqual([second.json().requestId, first.json().requestId]);
    expect(page.content[1]).toMatchObject({
      customerId: 'HIST001',
      promotionId: 'promo-vip-001',
      treeId: 'promotion-decision-tree',
      treeVersion: 1,
      promotionResult: { promotionName: 'VIP專屬優惠' },
    });

    const paged = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?customerId=HIST001&page=1&size=1', headers: AS_MANAGER });
    expect(paged.json().data.content).toHaveLength(1);
    expect(paged.json().data.content[0].requestId).toBe(first.json().requestId);

    const future = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?customerId=HIST001&startDate=2999-01-01', headers: AS_MANAGER });
    expect(future.json().data.totalElements).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const window = await t.app.inject({
      method: 'GET',
      url: `/api/v1/promotions/history?customerId=HIST001&startDate=${today}&endDate=${today}`,
      headers: AS_MANAGER,
    });
    expect(window.json().data.totalElements).toBe(2);
  });

  it('Given bad history parameters, When queried, Then 400 INVALID_REQUEST and 401 without credentials', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    const badDate = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?startDate=yesterday', headers: AS_MANAGER });
    expect(badDate.statusCode).toBe(400);
    const reversed = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?startDate=2024-02-01&endDate=2024-01-01', headers: AS_MANAGER });
    expect(reversed.statusCode).toBe(400);
    // Spring's Pageable: size below 1 is the default, not an error (test/bank/paging.test.ts).
    const zeroSize = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?size=0', headers: AS_MANAGER });
    expect(zeroSize.statusCode).toBe(200);
    expect(zeroSize.json().data.size).toBe(20);
  });

  it('Given a tree is updated, When evaluated again, Then history traces the new version while the old version stays retrievable', async () => {
    const get = await t.app.inject({ method: 'GET', url: '/api/v1/management/decision-trees/vip-customer-tree', headers: AS_MANAGER });
    const tree = get.json().data;
    const rootNode = structuredClone(tree.rootNode);
    rootNode.children[0].children[0].configuration.parameters.discountAmount = 6000;
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/management/decision-trees/vip-customer-tree',
      headers: AS_MANAGER,
      payload: { name: tree.name, status: 'ACTIVE', priority: tree.priority, rootNode },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().data.version).toBe(2);

    const res = await evaluate({ ...CUST001, customerId: 'VER001', treeId: 'vip-customer-tree' });
    expect(res.json().data.discountAmount).toBe(6000);
    const history = await t.app.inject({ method: 'GET', url: '/api/v1/promotions/history?customerId=VER001', headers: AS_MANAGER });
    expect(history.json().data.content[0]).toMatchObject({ treeId: 'vip-customer-tree', treeVersion: 2 });
    const v1 = await t.modules.get('trees').service.definition('vip-customer-tree', 1);
    expect((v1?.rootNode.children?.[0]?.children?.[0]?.configuration.parameters as { discountAmount: number }).discountAmount).toBe(5000);
  });

  it('Given concurrent evaluations, When 50 run at once, Then every one succeeds and is recorded exactly once', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => evaluate({ ...CUST001, customerId: `CONC${i % 5}` })));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const ids = new Set(results.map((r) => r.json().requestId));
    expect(ids.size).toBe(50);
    let total = 0;
    for (let i = 0; i < 5; i++) {
      const h = await t.app.inject({ method: 'GET', url: `/api/v1/promotions/history?customerId=CONC${i}`, headers: AS_ADMIN });
      total += h.json().data.totalElements as number;
    }
    expect(total).toBe(50);
  });
});
