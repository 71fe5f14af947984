import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './index.js';

let sb: RunningSandbox;
const NOW = new Date('2026-02-06T11:50:55.000Z');

beforeAll(async () => {
  sb = await startSandbox({
    now: () => NOW,
    creditFixtures: { 'CUST-FIXED': { score: 580 } },
    amlWatchNames: ['Ivan Watchlist'],
  });
});
afterAll(() => sb.close());

async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${sb.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('credit bureau', () => {
  it('answers a deterministic report for a customer id', async () => {
    const a = await call('GET', '/credit-bureau/score/CUST001');
    const b = await call('GET', '/credit-bureau/score/CUST001');
    expect(a.status).toBe(200);
    expect(a.json).toEqual(b.json);
    expect(a.json).toMatchObject({ customerId: 'CUST001', checkedAt: NOW.toISOString() });
    const score = a.json?.['score'] as number;
    expect(score).toBeGreaterThanOrEqual(300);
    expect(score).toBeLessThanOrEqual(850);
    expect(['A', 'B', 'C', 'D', 'E']).toContain(a.json?.['grade']);
    const other = await call('GET', '/credit-bureau/score/CUST002');
    expect(other.json?.['score']).not.toBe(score);
  });

  it('uses a fixture when one is configured', async () => {
    expect((await call('GET', '/credit-bureau/score/CUST-FIXED')).json).toMatchObject({ score: 580, grade: 'E' });
  });

  it('refuses an overlong customer id with a 400 JSON error', async () => {
    const r = await call('GET', `/credit-bureau/score/${'x'.repeat(200)}`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
  });
});

describe('AML screening', () => {
  it('hits the default sanctions list', async () => {
    const r = await call('POST', '/aml/screen', { customerId: 'CUST-AML-001' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ customerId: 'CUST-AML-001', hit: true, riskLevel: 'HIGH', lists: ['BANYAN-SANDBOX-SANCTIONS'] });
  });

  it('is clean for others, MEDIUM for a high-risk country, HIGH for a watched name', async () => {
    expect((await call('POST', '/aml/screen', { customerId: 'CUST001', name: 'Wang', country: 'TW' })).json).toMatchObject({
      hit: false,
      riskLevel: 'LOW',
      lists: [],
    });
    expect((await call('POST', '/aml/screen', { customerId: 'CUST001', country: 'ir' })).json).toMatchObject({ hit: false, riskLevel: 'MEDIUM' });
    expect((await call('POST', '/aml/screen', { customerId: 'CUST001', name: ' ivan watchlist ' })).json).toMatchObject({ hit: true, riskLevel: 'HIGH' });
  });

  it('a configurable hit list replaces the default', async () => {
    const other = await startSandbox({ amlHitList: ['BAD-1'] });
    try {
      const res = await request(`${other.url}/aml/screen`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'CUST-AML-001' }),
      });
      expect(await res.body.json()).toMatchObject({ hit: false });
    } finally {
      await other.close();
    }
  });
});

describe('wallet', () => {
  const credit = (key: string | undefined, body: unknown) => call('POST', '/wallet/credits', body, key === undefined ? {} : { 'idempotency-key': key });

  it('credits once per idempotency key: replay returns the same transaction, a different body is a conflict', async () => {
    const first = await credit('w-1', { tenantId: 'T1', playerId: 'P1', amount: '100.50', currency: 'TWD', reference: 'camp-1' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ status: 'COMPLETED', playerId: 'P1', amount: '100.5', currency: 'TWD', idempotencyKey: 'w-1', balance: '100.5' });
    const again = await credit('w-1', { tenantId: 'T1', playerId: 'P1', amount: 100.5, currency: 'TWD', reference: 'camp-1' });
    expect(again.status).toBe(200);
    expect(again.json?.['transactionId']).toBe(first.json?.['transactionId']);
    const conflict = await credit('w-1', { tenantId: 'T1', playerId: 'P1', amount: '999', currency: 'TWD', reference: 'camp-1' });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const list = await call('GET', '/wallet/credits?playerId=P1');
    expect((list.json?.['credits'] as unknown[]).length).toBe(1);
  });

  it('concurrent identical requests with one key credit exactly once', async () => {
    const before = (await call('GET', '/wallet/stats')).json as Record<string, number>;
    const results = await Promise.all(
      Array.from({ length: 40 }, () => credit('w-concurrent', { tenantId: 'T1', playerId: 'P2', amount: '5', currency: 'USD' })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(39);
    expect(new Set(results.map((r) => r.json?.['transactionId'])).size).toBe(1);
    const after = (await call('GET', '/wallet/stats')).json as Record<string, number>;
    expect(after['credits']).toBe((before['credits'] ?? 0) + 1);
    expect(after['distinctKeys']).toBe((before['distinctKeys'] ?? 0) + 1);
    expect(after['duplicatesRejected']).toBe((before['duplicatesRejected'] ?? 0) + 39);
  });

  it('adds money in decimal, never binary floating point', async () => {
    await credit('w-dec-1', { tenantId: 'T1', playerId: 'P3', amount: 0.1, currency: 'EUR' });
    const second = await credit('w-dec-2', { tenantId: 'T1', playerId: 'P3', amount: '0.2', currency: 'EUR' });
    expect(second.json?.['balance']).toBe('0.3');
  });

  it.each([
    ['no Idempotency-Key', undefined, { tenantId: 'T1', playerId: 'P', amount: '1', currency: 'TWD' }, 'IDEMPOTENCY_KEY_REQUIRED'],
    ['negative amount', 'k-neg', { tenantId: 'T1', playerId: 'P', amount: -5, currency: 'TWD' }, 'VALIDATION_ERROR'],
    ['zero amount', 'k-zero', { tenantId: 'T1', playerId: 'P', amount: '0', currency: 'TWD' }, 'VALIDATION_ERROR'],
    ['exponent amount', 'k-exp', { tenantId: 'T1', playerId: 'P', amount: '1e5', currency: 'TWD' }, 'VALIDATION_ERROR'],
    ['text amount', 'k-txt', { tenantId: 'T1', playerId: 'P', amount: 'ten', currency: 'TWD' }, 'VALIDATION_ERROR'],
    ['bad currency', 'k-cur', { tenantId: 'T1', playerId: 'P', amount: '1', currency: 'dollars' }, 'VALIDATION_ERROR'],
    ['missing player', 'k-pl', { tenantId: 'T1', amount: '1', currency: 'TWD' }, 'VALIDATION_ERROR'],
    ['missing tenant', 'k-tn', { playerId: 'P', amount: '1', currency: 'TWD' }, 'VALIDATION_ERROR'],
  ])('%s → 400 JSON error', async (_name, key, body, code) => {
    const r = await credit(key, body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: { code } });
  });

  it('Given two tenants with the same player id, When both are credited, Then they are two accounts with separate balances', async () => {
    const a = await credit('tenant-a-reward-1', { tenantId: 'TA', playerId: 'SHARED', amount: '10', currency: 'USD' });
    const b = await credit('tenant-b-reward-1', { tenantId: 'TB', playerId: 'SHARED', amount: '3', currency: 'USD' });
    expect(a.json).toMatchObject({ tenantId: 'TA', balance: '10' });
    expect(b.json).toMatchObject({ tenantId: 'TB', balance: '3' });
    const listed = await call('GET', '/wallet/credits?tenantId=TA&playerId=SHARED');
    expect(listed.json?.['credits']).toEqual([expect.objectContaining({ tenantId: 'TA', amount: '10' })]);
  });

  it('Given tenant A used an idempotency key, When tenant B sends the same key, Then B is credited (not replayed A, not a conflict)', async () => {
    const a = await credit('same-key', { tenantId: 'TA', playerId: 'K1', amount: '7', currency: 'USD' });
    const b = await credit('same-key', { tenantId: 'TB', playerId: 'K1', amount: '7', currency: 'USD' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json?.['transactionId']).not.toBe(a.json?.['transactionId']);
    expect(b.json).toMatchObject({ tenantId: 'TB', balance: '7' });
    const replay = await credit('same-key', { tenantId: 'TA', playerId: 'K1', amount: '7', currency: 'USD' });
    expect(replay.status).toBe(200);
    expect(replay.json?.['transactionId']).toBe(a.json?.['transactionId']);
  });

  it('lists every credit without a playerId filter', async () => {
    const r = await call('GET', '/wallet/credits');
    expect((r.json?.['credits'] as unknown[]).length).toBeGreaterThanOrEqual(3);
  });
});

describe('bad input never yields a 500', () => {
  it.each([
    ['POST', '/aml/screen', '{not json'],
    ['POST', '/aml/screen', '[]'],
    ['POST', '/aml/screen', '"string"'],
    ['POST', '/aml/screen', 'null'],
    ['POST', '/wallet/credits', '{"playerId":{"a":1},"amount":[1],"currency":1}'],
    ['POST', '/_control', '{"service":"nope"}'],
    ['POST', '/_control', '{"service":"wallet","failureRate":2}'],
    ['GET', '/no/such/route', undefined],
  ] as const)('%s %s %s', async (method, path, body) => {
    const r = await call(method, path, body, { 'idempotency-key': 'k-bad' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.json).toHaveProperty('error.code');
  });

  it('an oversized body is a 413 JSON error', async () => {
    const r = await call('POST', '/aml/screen', { customerId: 'x', name: 'y'.repeat(100_000) });
    expect(r.status).toBe(413);
    expect(r.json).toHaveProperty('error.code');
  });
});
