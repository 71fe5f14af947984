import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vipCustomerTree } from '../../src/demo/trees.js';
import { newId, toDbTimestamp, toJson } from '../../src/platform/db/sql.js';
import { AS_ADMIN, AS_AUDITOR, AS_MANAGER, basic, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const VIP = { customerId: 'CUST001', accountType: 'VIP', annualIncome: 2_500_000, creditScore: 780, region: '台北市' };
const EVALUATE = '/api/v1/promotions/evaluate';

interface Envelope<T> {
  success: boolean;
  data: T;
  errorCode: string | null;
  requestId: string;
}
interface Page<T> {
  content: T[];
  totalElements: number;
  page: number;
  size: number;
  totalPages: number;
}
type Row = Record<string, unknown>;

describe(`audit trail (${DB_KIND})`, () => {
  let t: TestApp;
  const get = async <T>(url: string, headers: Record<string, string> = AS_AUDITOR) => {
    const res = await t.app.inject({ method: 'GET', url, headers });
    return { status: res.statusCode, body: res.json<Envelope<T>>(), res };
  };
  const evaluate = async (body: Row, query = '') => {
    const res = await t.app.inject({ method: 'POST', url: `${EVALUATE}${query}`, payload: body, headers: { 'user-agent': 'vitest' } });
    return { status: res.statusCode, body: res.json<Envelope<Row>>() };
  };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.destroy());

  it('records request log, audit trail, every decision step and history in one go', async () => {
    const { status, body } = await evaluate({ ...VIP, treeId: 'vip-customer-tree' });
    expect(status).toBe(200);
    const requestId = body.requestId;
    const db = t.database.db;
    const log = await db.selectFrom('request_logs').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ api_endpoint: EVALUATE, http_method: 'POST', response_status: 200, user_agent: 'vitest' });
    expect(log.completed_at).not.toBeNull();

    const trails = await get<Page<Row>>(`/api/v1/audit/trails?requestId=${requestId}`);
    expect(trails.status).toBe(200);
    expect(trails.body.data.totalElements).toBe(1);
    const trail = trails.body.data.content[0] ?? {};
    expect(trail).toMatchObject({
      operationType: 'PROMOTION_EVALUATION',
      customerId: 'CUST001',
      status: 'SUCCESS',
      treeId: 'vip-customer-tree',
      treeVersion: 1,
    });
    expect(trail.outcome).toMatchObject({ eligible: true });
    expect((trail.operationDetails as Row).trees).toEqual([expect.objectContaining({ path: ['root', 'vip-income-check', 'vip-premium-offer'] })]);
    expect(trail.hash).toMatch(/^[0-9a-f]{64}$/);

    const steps = await get<Page<Row>>(`/api/v1/audit/decisions?requestId=${requestId}`);
    expect(steps.body.data.content.map((s) => [s.stepOrder, s.nodeId, s.nodeType, s.commandType, s.status])).toEqual([
      [1, 'root', 'CONDITION', 'SPEL_CONDITION', 'SUCCESS'],
      [2, 'vip-income-check', 'CONDITION', 'SPEL_CONDITION', 'SUCCESS'],
      [3, 'vip-premium-offer', 'CALCULATION', 'CALCULATION', 'SUCCESS'],
    ]);
    expect(steps.body.data.content[0]?.inputData).toEqual({ accountType: 'VIP' });
    expect(steps.body.data.content[0]?.outputData).toBe(true);

    const calc = await get<Page<Row>>(`/api/v1/audit/decisions?requestId=${requestId}&nodeType=CALCULATION&treeId=vip-customer-tree`);
    expect(calc.body.data.totalElements).toBe(1);
    const history = await db.selectFrom('promotion_history').selectAll().where('request_id', '=', requestId).execute();
    expect(history).toHaveLength(1);
  });

  it('records failed evaluations (unknown tree → 404) and nothing for a dry run', async () => {
    const failed = await evaluate({ customerId: 'CUST404', treeId: 'no-such-tree' });
    expect(failed.status).toBe(404);
    const trails = await get<Page<Row>>(`/api/v1/audit/trails?requestId=${failed.body.requestId}`);
    expect(trails.body.data.content[0]).toMatchObject({ status: 'FAILED', customerId: 'CUST404' });
    expect(trails.body.data.content[0]?.errorMessage).toMatch(/RESOURCE_NOT_FOUND/);
    const failedOnly = await get<Page<Row>>('/api/v1/audit/trails?customerId=CUST404&status=FAILED&operationType=PROMOTION_EVALUATION');
    expect(failedOnly.body.data.totalElements).toBe(1);

    const dry = await evaluate({ ...VIP, customerId: 'CUSTDRY' }, '?dryRun=true');
    expect(dry.status).toBe(200);
    for (const table of ['request_logs', 'audit_trails', 'decision_steps'] as const) {
      const n = await t.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('request_id', '=', dry.body.requestId)
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(0);
    }
  });

  it('allows ADMIN and AUDITOR only, with a Basic challenge for anonymous callers', async () => {
    for (const path of [
      'trails',
      'decisions?requestId=x',
      'external-calls',
      'database-queries',
      'verify',
      'compliance-report?startDate=2024-01-01&endDate=2024-12-31',
    ]) {
      const anon = await t.app.inject({ method: 'GET', url: `/api/v1/audit/${path}` });
      expect(anon.statusCode).toBe(401);
      expect(anon.headers['www-authenticate']).toMatch(/^Basic/);
      expect((await get(`/api/v1/audit/${path}`, AS_MANAGER)).status).toBe(403);
      expect((await get(`/api/v1/audit/${path}`, AS_ADMIN)).status).toBe(200);
    }
    const replay = await t.app.inject({ method: 'POST', url: '/api/v1/audit/replay/x', headers: AS_MANAGER });
    expect(replay.statusCode).toBe(403);
  });

  it('rejects bad input with 400 INVALID_REQUEST', async () => {
    const noRequestId = await get('/api/v1/audit/decisions');
    expect(noRequestId.status).toBe(400);
    expect(noRequestId.body.errorCode).toBe('INVALID_REQUEST');
    expect((await get('/api/v1/audit/trails?startDate=yesterday')).status).toBe(400);
    expect((await get('/api/v1/audit/trails?startDate=2024-02-01&endDate=2024-01-01')).status).toBe(400);
    expect((await get('/api/v1/audit/trails?status=MAYBE')).status).toBe(400);
    expect((await get('/api/v1/audit/compliance-report?startDate=2024-01-01')).status).toBe(400);
    expect((await get('/api/v1/audit/compliance-report?startDate=2024-01-01&endDate=2024-02-01&format=XML')).status).toBe(400);
  });

  it('filters trails by customer and date range, newest first, paginated', async () => {
    for (let i = 0; i < 3; i++) await evaluate({ ...VIP, customerId: 'CUSTPAGE' });
    const page0 = await get<Page<Row>>('/api/v1/audit/trails?customerId=CUSTPAGE&size=2');
    expect(page0.body.data).toMatchObject({ totalElements: 3, totalPages: 2, page: 0, size: 2 });
    const [a, b] = page0.body.data.content;
    expect(String(a?.createdAt) >= String(b?.createdAt)).toBe(true);
    const page1 = await get<Page<Row>>('/api/v1/audit/trails?customerId=CUSTPAGE&size=2&page=1');
    expect(page1.body.data.content).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await get<Page<Row>>(`/api/v1/audit/trails?customerId=CUSTPAGE&startDate=${today}&endDate=${today}`)).body.data.totalElements).toBe(3);
    expect((await get<Page<Row>>('/api/v1/audit/trails?customerId=CUSTPAGE&endDate=2020-01-01')).body.data.totalElements).toBe(0);
  });

  it('records management changes and logins with actor and before/after', async () => {
    const update = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/management/decision-trees/vip-customer-tree',
      headers: AS_ADMIN,
      payload: { name: vipCustomerTree.name, status: 'ACTIVE', rootNode: vipCustomerTree.rootNode, priority: 5 },
    });
    expect(update.statusCode).toBe(200);
    await t.modules.get('audit').writer.drain();
    const changes = await get<Page<Row>>('/api/v1/audit/trails?operationType=DECISION_TREE_UPDATE');
    expect(changes.body.data.content[0]).toMatchObject({ actor: 'admin', customerId: 'admin', treeId: 'vip-customer-tree', treeVersion: 2 });
    const details = changes.body.data.content[0]?.operationDetails as { before: Row; after: Row };
    expect(details.before.version).toBe(1);
    expect(details.after.version).toBe(2);

    for (let i = 0; i < 5; i++) await t.app.inject({ method: 'GET', url: '/api/v1/audit/trails', headers: { authorization: basic('mallory', `wrong${i}`) } });
    await t.modules.get('audit').writer.drain();
    const failed = await get<Page<Row>>('/api/v1/audit/trails?operationType=LOGIN_FAILED&customerId=mallory');
    expect(failed.body.data.totalElements).toBe(5);
    const security = await t.database.db.selectFrom('system_events').selectAll().where('event_type', '=', 'SECURITY').execute();
    expect(security.length).toBeGreaterThanOrEqual(1);
    const logins = await get<Page<Row>>('/api/v1/audit/trails?operationType=LOGIN_SUCCESS');
    expect(logins.body.data.content.map((r) => r.customerId)).toEqual(expect.arrayContaining(['auditor', 'admin']));
  });

  it('records system events: migration and configuration (no secrets)', async () => {
    const events = await t.database.db.selectFrom('system_events').selectAll().execute();
    const types = events.map((e) => e.event_type);
    expect(types).toEqual(expect.arrayContaining(['MIGRATION', 'CONFIGURATION']));
    const config = JSON.stringify(events.find((e) => e.event_type === 'CONFIGURATION')?.event_details);
    expect(config).not.toMatch(/password|postgres:\/\//i);
  });

  it('indexes external calls and database queries by request, customer, endpoint and type', async () => {
    const requestId = newId();
    const at = toDbTimestamp();
    const common = { request_id: requestId, customer_id: 'CUSTEXT', tree_id: 't1', node_id: 'n1', created_at: at, started_at: at };
    await t.modules.get('audit').writer.write({
      calls: [
        {
          ...common,
          id: newId(),
          system: 'CREDIT_BUREAU',
          endpoint: '/score',
          method: 'POST',
          request_payload: toJson({ id: 1 }),
          response_payload: toJson({ score: 700 }),
          response_status: 200,
          latency_ms: 12,
          status: 'SUCCESS',
          attempts: 1,
          error_message: null,
        },
        {
          ...common,
          id: newId(),
          system: 'AML',
          endpoint: '/aml',
          method: 'POST',
          request_payload: toJson({}),
          response_payload: null,
          response_status: null,
          latency_ms: 1000,
          status: 'TIMEOUT',
          attempts: 3,
          error_message: 'timeout',
        },
      ],
      queries: [
        {
          ...common,
          id: newId(),
          query_name: 'blacklist',
          query_type: 'BLACKLIST',
          parameters: toJson({ customerId: 'CUSTEXT' }),
          row_count: 0,
          result: toJson([]),
          latency_ms: 1,
          status: 'SUCCESS',
          error_message: null,
        },
      ],
    });
    const calls = await get<Page<Row>>(`/api/v1/audit/external-calls?requestId=${requestId}`);
    expect(calls.body.data.totalElements).toBe(2);
    expect((await get<Page<Row>>('/api/v1/audit/external-calls?customerId=CUSTEXT&status=TIMEOUT')).body.data.content[0]).toMatchObject({
      endpoint: '/aml',
      attempts: 3,
    });
    expect((await get<Page<Row>>('/api/v1/audit/external-calls?endpoint=/score')).body.data.content[0]?.responsePayload).toEqual({ score: 700 });
    const today = new Date().toISOString().slice(0, 10);
    expect((await get<Page<Row>>(`/api/v1/audit/external-calls?customerId=CUSTEXT&startDate=${today}`)).body.data.totalElements).toBe(2);
    const queries = await get<Page<Row>>(`/api/v1/audit/database-queries?customerId=CUSTEXT&queryType=BLACKLIST&startDate=${today}&endDate=${today}`);
    expect(queries.body.data.content[0]).toMatchObject({ queryName: 'blacklist', rowCount: 0, requestId });
    expect((await get<Page<Row>>('/api/v1/audit/database-queries?queryType=NONE')).body.data.totalElements).toBe(0);
  });

  it('replays an evaluation identically, and against the latest trees shows what changed', async () => {
    const original = await evaluate({ ...VIP, customerId: 'CUSTREPLAY', treeId: 'new-customer-tree', accountType: 'NEW', creditScore: 720 });
    expect(original.status).toBe(200);
    const replay = await t.app.inject({ method: 'POST', url: `/api/v1/audit/replay/${original.body.requestId}`, headers: AS_AUDITOR });
    expect(replay.statusCode).toBe(200);
    const report = replay.json<Envelope<{ identical: boolean; differences: unknown[]; original: Row; replayed: Row }>>().data;
    expect(report.differences).toEqual([]);
    expect(report.identical).toBe(true);
    expect(report.replayed.result).toEqual(report.original.result);

    // vip-customer-tree was updated to v2 above with the same logic; change it now to a lower offer.
    const vip = await evaluate({ ...VIP, customerId: 'CUSTREPLAY2', treeId: 'vip-customer-tree' });
    const changed = JSON.parse(JSON.stringify(vipCustomerTree.rootNode).replace('"discountAmount":5000', '"discountAmount":3000')) as unknown;
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/management/decision-trees/vip-customer-tree',
      headers: AS_ADMIN,
      payload: { name: vipCustomerTree.name, status: 'ACTIVE', rootNode: changed },
    });
    expect(put.statusCode).toBe(200);
    const same = await t.app.inject({ method: 'POST', url: `/api/v1/audit/replay/${vip.body.requestId}`, headers: AS_ADMIN });
    expect(same.json<Envelope<{ identical: boolean }>>().data.identical).toBe(true);
    const latest = await t.app.inject({ method: 'POST', url: `/api/v1/audit/replay/${vip.body.requestId}?against=latest`, headers: AS_ADMIN });
    const diff = latest.json<Envelope<{ identical: boolean; differences: { field: string }[] }>>().data;
    expect(diff.identical).toBe(false);
    expect(diff.differences.map((d) => d.field)).toEqual(expect.arrayContaining(['result.discountAmount', 'trees[vip-customer-tree].version']));

    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/audit/replay/no-such-request', headers: AS_AUDITOR });
    expect(unknown.statusCode).toBe(404);
  });

  it('produces the compliance report as SUMMARY and DETAILED, JSON and CSV', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const range = `startDate=${today}&endDate=${today}`;
    const summary = await get<Row>(`/api/v1/audit/compliance-report?${range}`);
    expect(summary.status).toBe(200);
    const s = summary.body.data as {
      evaluations: number;
      byOutcome: { key: string; count: number }[];
      byTree: unknown[];
      byCustomerSegment: { key: string }[];
      failures: unknown[];
      latencyMs: Row;
    };
    expect(s.evaluations).toBeGreaterThanOrEqual(5);
    expect(s.byOutcome.map((c) => c.key)).toEqual(expect.arrayContaining(['ELIGIBLE', 'FAILED']));
    expect(s.byCustomerSegment.map((c) => c.key)).toContain('VIP');
    expect(s.failures.length).toBeGreaterThanOrEqual(1);
    expect(s.latencyMs.p50).not.toBeNull();
    const one = await get<{ evaluations: number }>(`/api/v1/audit/compliance-report?${range}&customerId=CUSTPAGE`);
    expect(one.body.data.evaluations).toBe(3);

    const csv = await t.app.inject({ method: 'GET', url: `/api/v1/audit/compliance-report?${range}&format=CSV`, headers: AS_AUDITOR });
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename=".*\.csv"/);
    expect(csv.body.split('\r\n')[0]).toBe('section,key,value');

    const detailed = await get<{ rows: Row[] }>(`/api/v1/audit/compliance-report?${range}&reportType=DETAILED&customerId=CUSTPAGE`);
    expect(detailed.status).toBe(200);
    expect(detailed.body.success).toBe(true);
    expect(detailed.body.data.rows).toHaveLength(3);
    expect(detailed.body.data.rows[0]).toMatchObject({ customerId: 'CUSTPAGE', accountType: 'VIP', eligible: true });

    const detailedCsv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit/compliance-report?${range}&reportType=DETAILED&format=CSV`,
      headers: AS_AUDITOR,
    });
    const lines = detailedCsv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'requestId,createdAt,customerId,accountType,status,eligible,promotionId,discountAmount,treeId,treeVersion,path,executionTimeMs,errorMessage',
    );
    expect(lines.some((l) => l.includes('root > vip-income-check > vip-premium-offer'))).toBe(true);
  });

  it('verifies the hash chain and reports an edited or a deleted row', async () => {
    const ok = await get<{ verified: boolean; checked: number }>('/api/v1/audit/verify');
    expect(ok.body.data).toMatchObject({ verified: true });
    expect(ok.body.data.checked).toBeGreaterThan(5);

    const victim = await evaluate({ ...VIP, customerId: 'CUSTTAMPER' });
    await evaluate({ ...VIP, customerId: 'CUSTAFTER' });
    const db = t.database.db;
    const row = await db
      .selectFrom('audit_trails')
      .select(['id', 'hash', sql<string>`cast(operation_details as text)`.as('operation_details')])
      .where('request_id', '=', victim.body.requestId)
      .executeTakeFirstOrThrow();
    await sql`update audit_trails set operation_details = ${toJson({ forged: true })} where id = ${row.id}`.execute(db);
    const broken = await get<{ verified: boolean; firstBrokenLink: Row }>('/api/v1/audit/verify');
    expect(broken.body.data.verified).toBe(false);
    expect(broken.body.data.firstBrokenLink).toMatchObject({ id: row.id, requestId: victim.body.requestId, actualHash: row.hash });
    expect(broken.body.data.firstBrokenLink.expectedHash).not.toBe(row.hash);

    // The hash covers the stored text: the same document re-serialised differently is an edit too.
    const reordered = toJson(Object.fromEntries(Object.entries(JSON.parse(row.operation_details) as Record<string, unknown>).reverse()));
    await sql`update audit_trails set operation_details = ${reordered} where id = ${row.id}`.execute(db);
    expect((await get<{ verified: boolean }>('/api/v1/audit/verify')).body.data.verified).toBe(false);

    // Put the exact text back, then delete the row instead: its successor's link breaks.
    await sql`update audit_trails set operation_details = ${row.operation_details} where id = ${row.id}`.execute(db);
    expect((await get<{ verified: boolean }>('/api/v1/audit/verify')).body.data.verified).toBe(true);
    await db.deleteFrom('audit_trails').where('id', '=', row.id).execute();
    const gap = await get<{ verified: boolean; firstBrokenLink: Row }>('/api/v1/audit/verify');
    expect(gap.body.data.verified).toBe(false);
    expect(gap.body.data.firstBrokenLink.requestId).not.toBe(victim.body.requestId);
    const today = new Date().toISOString().slice(0, 10);
    expect((await get<{ verified: boolean }>(`/api/v1/audit/verify?startDate=${today}&endDate=${today}`)).body.data.verified).toBe(false);
    expect((await get<{ verified: boolean; checked: number }>('/api/v1/audit/verify?endDate=2020-01-01')).body.data).toMatchObject({
      verified: true,
      checked: 0,
    });
  });
});
