import v8 from 'node:v8';
import vm from 'node:vm';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions } from '../../src/audit/partitions.js';
import { newId, toDbTimestamp, toJson } from '../../src/platform/db/sql.js';
import { AS_AUDITOR, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const ROWS = 50_000;

describe(`compliance report streaming (${DB_KIND})`, () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'false' });
    const base = Date.UTC(2025, 0, 1);
    if (DB_KIND === 'postgres') await ensurePartitions(t.database.db, new Date(base), new Date(Date.UTC(2025, 1, 1)));
    await t.database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < ROWS; i += 1000) {
        const rows = Array.from({ length: 1000 }, (_, j) => {
          const n = i + j;
          const eligible = n % 3 !== 0;
          return {
            id: newId(),
            request_id: newId(),
            customer_id: `C${n % 5000}`,
            operation_type: 'PROMOTION_EVALUATION',
            operation_details: toJson({
              request: { customerId: `C${n % 5000}`, accountType: n % 2 ? 'VIP' : '一般', annualIncome: 1_000_000 + n, region: '台北市, "信義區"' },
              accountType: n % 2 ? 'VIP' : '一般',
              trees: [{ treeId: 'promotion-decision-tree', version: 1, path: ['root', 'vip-check', eligible ? 'vip-offer' : 'default'], eligible }],
              chosenTreeId: 'promotion-decision-tree',
            }),
            execution_time_ms: n % 17,
            status: 'SUCCESS',
            error_message: null,
            created_at: toDbTimestamp(new Date(base + n * 60_000)),
            tree_id: 'promotion-decision-tree',
            tree_version: 1,
            outcome: toJson({ promotionId: eligible ? 'promo-vip-001' : null, eligible, discountAmount: eligible ? 5000 : null }),
            actor: null,
            seq: n + 1,
            prev_hash: '0'.repeat(64),
            hash: '0'.repeat(64),
          };
        });
        await trx.insertInto('audit_trails').values(rows).execute();
      }
    });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 180_000);
  afterAll(async () => t?.destroy());

  it(`exports ${ROWS} evaluations as CSV in constant memory`, async () => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let bytes = 0;
    let sinceGc = 0;
    let lines = 0;
    let head = '';
    const res = await request(`${url}/api/v1/audit/compliance-report?startDate=2025-01-01&endDate=2025-12-31&reportType=DETAILED&format=CSV`, {
      headers: AS_AUDITOR,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    for await (const chunk of res.body) {
      const text = (chunk as Buffer).toString('utf8');
      if (head.length < 400) head += text.slice(0, 400);
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
      bytes += (chunk as Buffer).length;
      sinceGc += (chunk as Buffer).length;
      if (sinceGc > 1_000_000) {
        sinceGc = 0;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(lines).toBe(ROWS + 1);
    expect(head).toContain('requestId,createdAt,customerId');
    expect(head).toContain('root > vip-check');
    // Holding the export would retain at least its size; streaming retains one chunk of rows.
    expect(bytes).toBeGreaterThan(7_000_000);
    expect(peak).toBeLessThan(bytes / 3);
    process.stderr.write(
      `report stream (${DB_KIND}): ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB streamed, peak retained heap growth ${(peak / 1e6).toFixed(1)} MB\n`,
    );
  }, 120_000);

  it('streams the DETAILED JSON envelope, and the SUMMARY aggregates the same rows', async () => {
    const res = await request(`${url}/api/v1/audit/compliance-report?startDate=2025-01-01&endDate=2025-01-02&reportType=DETAILED`, { headers: AS_AUDITOR });
    const body = (await res.body.json()) as { success: boolean; data: { rows: { path: string; eligible: boolean }[] }; errorCode: null };
    expect(body.success).toBe(true);
    expect(body.data.rows).toHaveLength(2 * 24 * 60);
    expect(body.data.rows[1]).toMatchObject({ path: 'root > vip-check > vip-offer', eligible: true });
    const summary = await request(`${url}/api/v1/audit/compliance-report?startDate=2025-01-01&endDate=2025-12-31`, { headers: AS_AUDITOR });
    const s = (await summary.body.json()) as {
      data: { evaluations: number; byPromotion: { key: string; count: number }[]; latencyMs: { p50: number; p95: number; max: number } };
    };
    expect(s.data.evaluations).toBe(ROWS);
    expect(s.data.byPromotion.find((c) => c.key === 'promo-vip-001')?.count).toBe(ROWS - Math.ceil(ROWS / 3));
    expect(s.data.latencyMs).toEqual({ p50: 8, p95: 16, max: 16 });
  }, 60_000);
});
