/**
 * Issue 10 item 11: an anonymous evaluate cannot make Banyan store arbitrary amounts of data for
 * seven years. Unknown fields are a bounded extension map (≤ 8 KB); every JSON column of an audit
 * row is capped (64 KB) with a truncation marker, and the hash chain still verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_MAX_JSON_BYTES, AUDIT_MAX_REQUEST_BYTES, cappedJson } from '../../src/audit/caps.js';
import { AS_AUDITOR, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const EVALUATE = '/api/v1/promotions/evaluate';
const bytes = (v: unknown) => Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');

describe(`audit storage bounds (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    // The evaluate route's own body limit (256 KB) would answer 413 before the extension cap is reached.
    t = await startTestApp({ EVALUATE_BODY_LIMIT_BYTES: '2097152' });
  });
  afterAll(async () => t.destroy());

  const rowsOf = async (customerId: string) => ({
    logs: await t.database.db
      .selectFrom('request_logs')
      .selectAll()
      .where('request_payload', 'is not', null)
      .execute()
      .then((rows) => rows.filter((r) => JSON.stringify(r.request_payload).includes(customerId))),
    trails: await t.database.db.selectFrom('audit_trails').selectAll().where('customer_id', '=', customerId).execute(),
  });

  it('Given an anonymous evaluate with a 900 KB unknown field, When sent, Then 400 EXTENSIONS_TOO_LARGE and nothing is stored (not twice 900 KB for 7 years)', async () => {
    const res = await t.app.inject({ method: 'POST', url: EVALUATE, payload: { customerId: 'big-ext', accountType: 'VIP', junk: 'x'.repeat(900_000) } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, errorCode: 'INVALID_REQUEST', errors: [{ field: 'junk', code: 'EXTENSIONS_TOO_LARGE' }] });
    const { logs, trails } = await rowsOf('big-ext');
    expect(logs).toHaveLength(0);
    expect(trails).toHaveLength(0);
  });

  it('Given extension fields within 8 KB, When evaluated, Then they are accepted and recorded with the request', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: EVALUATE,
      payload: { customerId: 'small-ext', accountType: 'VIP', segment: 'gold', note: 'n'.repeat(6000) },
    });
    expect(res.statusCode).toBe(200);
    const { trails } = await rowsOf('small-ext');
    const details = (typeof trails[0]?.operation_details === 'string' ? JSON.parse(trails[0].operation_details) : trails[0]?.operation_details) as {
      request: Record<string, unknown>;
    };
    expect(details.request).toMatchObject({ customerId: 'small-ext', segment: 'gold' });
  });

  it('Given a documented but large transactionHistory, When evaluated, Then every audit JSON column stays within the cap with a truncation marker, the chain verifies, and replay says it cannot replay', async () => {
    const history = Array.from({ length: 1500 }, (_, i) => ({ date: '2026-01-01', amount: i, description: `purchase number ${i} at a shop` }));
    const res = await t.app.inject({
      method: 'POST',
      url: EVALUATE,
      payload: { customerId: 'long-history', accountType: 'VIP', annualIncome: 2_000_000, creditScore: 800, transactionHistory: history },
    });
    expect(res.statusCode).toBe(200);
    expect(bytes(history)).toBeGreaterThan(AUDIT_MAX_JSON_BYTES);
    const requestId = res.json().requestId as string;
    const { logs, trails } = await rowsOf('long-history');
    expect(logs.length + trails.length).toBeGreaterThan(0);
    const log = await t.database.db.selectFrom('request_logs').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    const payload = (typeof log.request_payload === 'string' ? JSON.parse(log.request_payload) : log.request_payload) as {
      _truncated?: { originalBytes: number; sha256: string };
      preview?: string;
    };
    expect(bytes(log.request_payload)).toBeLessThanOrEqual(AUDIT_MAX_JSON_BYTES);
    expect(payload._truncated?.originalBytes).toBeGreaterThan(AUDIT_MAX_JSON_BYTES);
    expect(payload._truncated?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(payload.preview?.startsWith('{"customerId":"long-history"')).toBe(true);
    const trail = trails[0]!;
    const details = (typeof trail.operation_details === 'string' ? JSON.parse(trail.operation_details) : trail.operation_details) as {
      request: { _truncated?: unknown };
      result: { eligible: boolean };
    };
    expect(bytes(trail.operation_details)).toBeLessThanOrEqual(AUDIT_MAX_JSON_BYTES);
    expect(details.request._truncated).toBeDefined();
    expect(bytes(details.request)).toBeLessThanOrEqual(AUDIT_MAX_REQUEST_BYTES);
    expect(details.result).toBeDefined();
    const steps = await t.database.db.selectFrom('decision_steps').selectAll().where('request_id', '=', requestId).execute();
    for (const s of steps) {
      expect(bytes(s.input_data)).toBeLessThanOrEqual(AUDIT_MAX_JSON_BYTES);
      expect(bytes(s.output_data)).toBeLessThanOrEqual(AUDIT_MAX_JSON_BYTES);
    }
    const verify = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: AS_AUDITOR });
    expect(verify.json().data).toMatchObject({ verified: true, firstBrokenLink: null });
    const replay = await t.app.inject({ method: 'POST', url: `/api/v1/audit/replay/${requestId}`, headers: AS_AUDITOR });
    expect(replay.statusCode).toBe(422);
    expect(replay.json().errorCode).toBe('BUSINESS_RULE_VIOLATION');
  });

  it('Given documents of every shape, When capped, Then the stored text is never over the cap (quotes, CJK and control characters included)', () => {
    for (const filler of ['x', '"', '客', '\n', '😀']) {
      const text = cappedJson({ v: filler.repeat(50_000) }, 4096);
      expect(bytes(text)).toBeLessThanOrEqual(4096);
      expect(() => JSON.parse(text)).not.toThrow();
    }
    expect(cappedJson({ small: true })).toBe('{"small":true}');
  });
});
