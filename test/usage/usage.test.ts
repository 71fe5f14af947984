import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageReport, UsageService } from '../../src/usage/index.js';
import { AS_ADMIN, AS_AUDITOR, AS_MANAGER, startTestApp, type TestApp } from '../helpers/app.js';
import { as, newTenant, type Caller, type Envelope } from '../campaigns/helpers.js';

const HOUR = 3_600_000;
const range = () => ({ from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString() });
const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('usage metering: GET /api/v1/usage', () => {
  let app: TestApp;
  let usage: UsageService;
  let a: { id: string; key: string; keyId: string };
  let a2: { id: string; key: string; keyId: string };
  let b: { id: string; key: string; keyId: string };
  let callA: Caller;
  let callA2: Caller;
  let callB: Caller;

  const rowsInDb = async () =>
    Number(
      (
        await app.database.db
          .selectFrom('usage_buckets')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const usageOf = async (key: string, params: Record<string, string>) => {
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/usage?${qs(params)}`, headers: { 'x-api-key': key } });
    const json = String(res.headers['content-type']).startsWith('application/json');
    return { status: res.statusCode, body: (json ? res.json() : null) as Envelope<UsageReport>, headers: res.headers, text: res.body };
  };

  beforeAll(async () => {
    // The timer never fires during the test: only explicit flushes store counts.
    app = await startTestApp({ USAGE_FLUSH_MS: '3600000' });
    if (!app.modules.find('usage')) throw new Error('usage module not composed');
    usage = app.modules.get('usage');
    a = await newTenant(app, 'use-a');
    b = await newTenant(app, 'use-b');
    const k = await app.app.inject({ method: 'POST', url: `/api/v1/admin/tenants/${a.id}/api-keys`, headers: AS_ADMIN, payload: { name: 'second' } });
    const second = k.json<Envelope<{ apiKey: string; id: string }>>().data;
    a2 = { id: a.id, key: second.apiKey, keyId: second.id };
    callA = as(app, a.key);
    callA2 = as(app, a2.key);
    callB = as(app, b.key);
    await usage.flush();
  });
  afterAll(async () => {
    await app?.destroy();
  });

  it('Given tenant calls, When they are answered, Then nothing is written until the flush, which stores them by route pattern, method, status and key', async () => {
    const before = await rowsInDb();
    for (let i = 0; i < 3; i++) expect((await callA('GET', '/api/v1/campaigns')).status).toBe(200);
    expect((await callA('GET', '/api/v1/events/nope-1')).status).toBe(404);
    expect((await callA('GET', '/api/v1/events/nope-2')).status).toBe(404);
    expect((await callA2('GET', '/api/v1/campaigns')).status).toBe(200);
    expect((await callB('GET', '/api/v1/campaigns')).status).toBe(200);
    // A refused credential has no tenant and is not metered; staff calls are not tenant calls.
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers: { 'x-api-key': 'bnk_live_nope_nope' } })).statusCode).toBe(401);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/admin/tenants', headers: AS_ADMIN })).statusCode).toBe(200);

    expect(await rowsInDb()).toBe(before);
    expect(usage.pending()).toBe(7);
    const report = await usage.flush();
    expect(report).toMatchObject({ ok: true, stored: 1, requests: 7 });
    expect(usage.pending()).toBe(0);
    // campaigns: A key1 200, A key2 200, B 200; events/:eventId A key1 404.
    expect(await rowsInDb()).toBe(before + 4);

    const byRoute = await usageOf(a.key, { ...range(), granularity: 'minute', groupBy: 'route' });
    expect(byRoute.status).toBe(200);
    const rows = byRoute.body.data.rows;
    const campaigns = rows.filter((r) => r.route === '/api/v1/campaigns');
    expect(campaigns.reduce((n, r) => n + r.count, 0)).toBe(4);
    expect(campaigns.every((r) => r.method === 'GET' && r.status === 200)).toBe(true);
    const events = rows.filter((r) => r.route === '/api/v1/events/:eventId');
    expect(events.reduce((n, r) => n + r.count, 0)).toBe(2);
    expect(events[0]).toMatchObject({ method: 'GET', status: 404 });
    expect(rows.some((r) => r.route?.includes('nope'))).toBe(false);
    expect(rows.every((r) => r.bucket.endsWith(':00.000Z'))).toBe(true);
    expect(rows.every((r) => r.tenantId === undefined && r.keyId === undefined)).toBe(true);

    const byKey = await usageOf(a.key, { ...range(), groupBy: 'key' });
    const key1 = byKey.body.data.rows.filter((r) => r.keyId === a.keyId);
    const key2 = byKey.body.data.rows.filter((r) => r.keyId === a2.keyId);
    // Key 1: 3 × 200 + 2 × 404, plus the byRoute usage query just answered (counted, not yet flushed).
    expect(key1.find((r) => r.status === 200)?.count).toBe(3);
    expect(key1.find((r) => r.status === 404)?.count).toBe(2);
    expect(key2).toEqual([expect.objectContaining({ status: 200, count: 1 })]);
    expect(byKey.body.data.rows.every((r) => r.route === undefined)).toBe(true);
  });

  it('Given metered usage, When the usage route is itself called and flushed, Then it is counted like any tenant route', async () => {
    await usage.flush();
    const res = await usageOf(a.key, { ...range(), granularity: 'hour' });
    expect(res.body.data.rows.find((r) => r.route === '/api/v1/usage')?.count).toBeGreaterThanOrEqual(2);
    expect(res.body.data.granularity).toBe('hour');
    expect(res.body.data.rows.every((r) => r.bucket.endsWith(':00:00.000Z'))).toBe(true);
  });

  it('Given a bearer token issued to a key, When it calls, Then the call is metered for that key', async () => {
    const token = await app.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'x-api-key': a2.key } });
    expect(token.statusCode).toBe(200);
    const accessToken = token.json<Envelope<{ accessToken: string }>>().data.accessToken;
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/players/p-1', headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.statusCode).toBe(404);
    await usage.flush();
    const rows = (await usageOf(a.key, { ...range(), granularity: 'day' })).body.data.rows;
    expect(rows.find((r) => r.route === '/api/v1/players/:playerId')).toMatchObject({ status: 404, count: 1 });
    const byKey = (await usageOf(a.key, { ...range(), groupBy: 'key', granularity: 'day' })).body.data.rows;
    expect(byKey.find((r) => r.keyId === a2.keyId && r.status === 404)?.count).toBe(1);
  });

  it('Given two tenants, When B reads its usage, Then it sees none of A’s calls', async () => {
    await usage.flush();
    const rowsB = (await usageOf(b.key, { ...range(), groupBy: 'key', granularity: 'day' })).body.data;
    expect(rowsB.tenantId).toBe(b.id);
    expect(rowsB.rows.length).toBeGreaterThan(0);
    expect(rowsB.rows.every((r) => r.keyId === b.keyId)).toBe(true);
    const total = rowsB.rows.reduce((n, r) => n + r.count, 0);
    // B's campaign call, and nothing of A's (A made far more calls).
    expect(total).toBe(1);
  });

  it('Given bad query strings, When the usage is read, Then each is a 400 envelope', async () => {
    const { from, to } = range();
    const bad: Record<string, string>[] = [
      { to },
      { from },
      { from: to, to: from },
      { from, to: from },
      { from: 'yesterday', to },
      { from: '2026-02-30', to },
      { from: '2026-12-01T24:00:00Z', to },
      { from, to, granularity: 'week' },
      { from, to, groupBy: 'tenant' },
      { from, to, format: 'xml' },
      { from, to, tenantId: a.id },
      { from, to, page: '1' },
      { from: '2026-01-01', to: '2026-01-09', granularity: 'minute' },
      { from: '2025-01-01', to: '2026-06-01', granularity: 'day' },
    ];
    for (const params of bad) {
      const res = await usageOf(a.key, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body).toMatchObject({ success: false, data: null });
      expect(['INVALID_REQUEST', 'VALIDATION_FAILED']).toContain(res.body.errorCode);
    }
  });

  it('Given usage, When it is read with format=csv, Then a CSV attachment through the platform writer is returned', async () => {
    await usage.flush();
    const res = await usageOf(a.key, { ...range(), granularity: 'minute', format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="usage-use-a-/);
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('bucket,route,method,status,count');
    expect(lines).toContainEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z,\/api\/v1\/events\/:eventId,GET,404,2$/));
    const byKey = await usageOf(a.key, { ...range(), groupBy: 'key', format: 'csv' });
    expect(byKey.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('bucket,keyId,status,count');
  });

  it('Given staff roles and scopes, When usage is read, Then only ADMIN reads any tenant, and a key without usage:read is refused', async () => {
    const { from, to } = range();
    await usage.flush();
    const admin = await app.app.inject({ method: 'GET', url: `/api/v1/admin/usage?${qs({ from, to, tenantId: b.id, groupBy: 'key' })}`, headers: AS_ADMIN });
    expect(admin.statusCode).toBe(200);
    const adminB = admin.json<Envelope<UsageReport>>().data;
    expect(adminB.tenantId).toBe(b.id);
    expect(adminB.rows.every((r) => r.keyId === b.keyId)).toBe(true);
    const all = await app.app.inject({ method: 'GET', url: `/api/v1/admin/usage?${qs({ from, to })}`, headers: AS_ADMIN });
    const allRows = all.json<Envelope<UsageReport>>().data;
    expect(allRows.tenantId).toBeNull();
    expect(new Set(allRows.rows.map((r) => r.tenantId))).toEqual(new Set([a.id, b.id]));
    const csv = await app.app.inject({ method: 'GET', url: `/api/v1/admin/usage?${qs({ from, to, format: 'csv' })}`, headers: AS_ADMIN });
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('tenantId,bucket,route,method,status,count');

    for (const headers of [AS_AUDITOR, AS_MANAGER]) {
      expect((await app.app.inject({ method: 'GET', url: `/api/v1/admin/usage?${qs({ from, to })}`, headers })).statusCode).toBe(403);
    }
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/admin/usage?${qs({ from, to })}` })).statusCode).toBe(401);
    // A tenant key is no staff credential, and staff credentials are no tenant credential.
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/admin/usage?${qs({ from, to })}`, headers: { 'x-api-key': a.key } })).statusCode).toBe(401);
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/usage?${qs({ from, to })}`, headers: AS_ADMIN })).statusCode).toBe(401);

    const narrow = await newTenant(app, 'use-c', ['campaigns:read']);
    const refused = await usageOf(narrow.key, { from, to });
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('FORBIDDEN');
  });
});
