/**
 * The TypeScript client generated from the OpenAPI document (openapi-typescript types in
 * test/generated/api.d.ts + openapi-fetch) is the document's promise to client authors: the
 * committed types must be what the document generates today, and a client typed by them must work
 * against a listening server unchanged.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, generateClientTypes } from '../../scripts/openapi-document.js';
import { CUST001 } from '../../src/demo/customers.js';
import { AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';
import type { paths } from '../generated/api.js';

describe('generated client types', () => {
  it('Given the committed test/generated/api.d.ts, When the types are regenerated from /api-docs, Then they are identical (run npm run gen:client after a schema change)', async () => {
    const generated = await generateClientTypes(await buildOpenApiDocument());
    const committed = readFileSync(new URL('../generated/api.d.ts', import.meta.url), 'utf8');
    // Compared as a boolean: a 600 kB diff helps nobody; the message says what to do.
    expect(generated === committed, 'test/generated/api.d.ts is stale: run `npm run gen:client`').toBe(true);
  }, 120_000);
});

describe(`a client generated from the document, against a listening server on ${DB_KIND}`, () => {
  let t: TestApp;
  let client: ReturnType<typeof createClient<paths>>;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    client = createClient<paths>({ baseUrl: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('Given the document example customer CUST001, When evaluated through the client, Then the typed answer is the VIP offer', async () => {
    const { data, error, response } = await client.POST('/api/v1/promotions/evaluate', {
      body: { ...CUST001, transactionHistory: [...CUST001.transactionHistory] },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data?.success).toBe(true);
    expect(data?.data).toMatchObject({ eligible: true, promotionId: 'promo-vip-001', discountAmount: 5000 });
    expect(response.headers.get('x-request-id')).toBe(data?.requestId);
  });

  it('Given a manager login, When a rule is created and read back through the client, Then 201 and the typed rule; without login, a typed 401 error envelope', async () => {
    const headers = { Authorization: AS_MANAGER.authorization };
    const created = await client.POST('/api/v1/management/promotion-rules', {
      headers,
      body: { name: 'client rule', ruleType: 'SPEL', ruleContent: '#{annualIncome > 1000000}', status: 'ACTIVE' },
    });
    expect(created.response.status).toBe(201);
    const ruleId = created.data?.data?.id;
    expect(typeof ruleId).toBe('string');
    const read = await client.GET('/api/v1/management/promotion-rules/{ruleId}', { headers, params: { path: { ruleId: ruleId as string } } });
    expect(read.data?.data).toMatchObject({ id: ruleId, name: 'client rule', ruleType: 'SPEL' });
    const anonymous = await client.GET('/api/v1/management/promotion-rules/{ruleId}', { params: { path: { ruleId: ruleId as string } } });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toMatchObject({ success: false, errorCode: 'UNAUTHORIZED', data: null });
  });

  it('Given Spring paging parameters, When trees are listed through the client, Then a typed Spring page comes back, clamped and sorted', async () => {
    const headers = { Authorization: AS_MANAGER.authorization };
    const { data, response } = await client.GET('/api/v1/management/decision-trees', {
      headers,
      params: { query: { page: 0, size: 5000, sort: ['name,desc', 'id'] } },
    });
    expect(response.status).toBe(200);
    const page = data?.data;
    expect(page).toMatchObject({ number: 0, size: 2000, first: true, last: true, sort: { sorted: true } });
    const names = page?.content.map((tree) => tree.name) ?? [];
    expect(names.length).toBe(page?.totalElements);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    const second = await client.GET('/api/v1/management/decision-trees', { headers, params: { query: { page: 1, size: 2 } } });
    expect(second.data?.data).toMatchObject({ number: 1, size: 2, numberOfElements: 2, pageable: { offset: 2, pageNumber: 1, pageSize: 2 } });
  });
});
