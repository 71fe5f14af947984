import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, toDbTimestamp, toJson } from '../../src/platform/db/sql.js';
import { loadConfig } from '../../src/platform/config.js';
import { DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const VIP = { customerId: 'CUST001', accountType: 'VIP', annualIncome: 2_500_000, creditScore: 780 };
const trail = (customerId: string | null) => ({
  trails: [{ id: newId(), request_id: newId(), customer_id: customerId as string, operation_type: 'TEST', operation_details: toJson({}), status: 'SUCCESS', created_at: toDbTimestamp() }],
});
const rename = (t: TestApp, from: string, to: string) => sql`alter table ${sql.table(from)} rename to ${sql.table(to)}`.execute(t.database.db);

describe(`audit group commit (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUDIT_BATCH_SIZE: '16', AUDIT_FLUSH_MS: '5' });
  });
  afterAll(async () => t?.destroy());

  it('commits concurrent evaluations in shared transactions, each answered after its commit', async () => {
    const before = { ...t.audit.writer.stats };
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: { ...VIP, customerId: `GC${i}` } })));
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const batches = t.audit.writer.stats.batches - before.batches;
    expect(t.audit.writer.stats.records - before.records).toBe(60);
    expect(batches).toBeLessThan(60);
    for (const r of responses) {
      const id = r.headers['x-request-id'] as string;
      const n = await t.database.db.selectFrom('audit_trails').select('id').where('request_id', '=', id).execute();
      expect(n).toHaveLength(1);
    }
  });

  it('isolates a bad record: only its own promise fails, the rest of its batch commits', async () => {
    const results = await Promise.allSettled([t.audit.writer.write(trail('A')), t.audit.writer.write(trail(null)), t.audit.writer.write(trail('B'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(t.audit.writer.stats.isolations).toBeGreaterThanOrEqual(1);
    const verify = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { authorization: `Basic ${Buffer.from('auditor:auditor123').toString('base64')}` } });
    expect(verify.json<{ data: { verified: boolean } }>().data.verified).toBe(true);
  });

  it('strict mode: when the audit store fails the evaluation answers 503, not unaudited', async () => {
    await rename(t, 'decision_steps', 'decision_steps_away');
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: VIP });
      expect(res.statusCode).toBe(503);
      expect(res.json<{ errorCode: string; success: boolean }>()).toMatchObject({ success: false, errorCode: 'SERVICE_UNAVAILABLE' });
      const trails = await t.database.db.selectFrom('audit_trails').select('id').where('request_id', '=', res.headers['x-request-id'] as string).execute();
      expect(trails).toHaveLength(0);
    } finally {
      await rename(t, 'decision_steps_away', 'decision_steps');
    }
    const dry = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate?dryRun=true', payload: VIP });
    expect(dry.statusCode).toBe(200);
  });
});

describe(`audit best-effort mode (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUDIT_MODE: 'best-effort' });
  });
  afterAll(async () => t?.destroy());

  it('answers while the store is down and writes the record once it is back', async () => {
    await rename(t, 'decision_steps', 'decision_steps_away');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: VIP });
    expect(res.statusCode).toBe(200);
    const id = res.headers['x-request-id'] as string;
    await t.audit.writer.drain();
    await new Promise((r) => setTimeout(r, 50));
    expect(t.audit.retryQueueLength).toBeGreaterThanOrEqual(1);
    await rename(t, 'decision_steps_away', 'decision_steps');
    await new Promise((r) => setTimeout(r, 1300));
    await t.audit.writer.drain();
    const trails = await t.database.db.selectFrom('audit_trails').select('id').where('request_id', '=', id).execute();
    expect(trails).toHaveLength(1);
    expect(t.audit.retryQueueLength).toBe(0);
  });
});

describe('audit configuration', () => {
  it('validates AUDIT_* variables', () => {
    expect(loadConfig({}).audit).toMatchObject({ mode: 'strict', batchSize: 64, flushMs: 2, retention: { request_logs: 3, audit_trails: 84, decision_steps: 12, system_events: 6 } });
    expect(() => loadConfig({ AUDIT_BATCH_SIZE: '0' })).toThrow(/AUDIT_BATCH_SIZE/);
    expect(() => loadConfig({ AUDIT_MODE: 'lax' })).toThrow(/AUDIT_MODE/);
    expect(() => loadConfig({ AUDIT_FLUSH_MS: 'soon' })).toThrow(/AUDIT_FLUSH_MS/);
  });
});

describe.runIf(DB_KIND === 'postgres')('audit queries use indexes (postgres)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'false' });
  });
  afterAll(async () => t?.destroy());

  const plan = async (query: string) =>
    t.database.db.transaction().execute(async (trx) => {
      // Tables are tiny in a test; forbid the sequential scan so the plan shows which index serves the query.
      await sql`set local enable_seqscan = off`.execute(trx);
      const rows = await sql<{ 'QUERY PLAN': string }>`${sql.raw(`explain ${query}`)}`.execute(trx);
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    });

  it('trails by customer and decisions by request are index scans', async () => {
    expect(await plan("select * from audit_trails where customer_id = 'C1' order by created_at desc limit 20")).toMatch(/Index.*(idx_audit_customer|audit_trails_p\d+_\d+_customer)/);
    expect(await plan("select * from decision_steps where request_id = 'r1' order by step_order")).toMatch(/Index.*(idx_decision_request_step|decision_steps_p\d+_\d+_request_id_step_order)/);
    expect(await plan("select * from audit_trails where request_id = 'r1'")).toMatch(/Index/);
  });
});
