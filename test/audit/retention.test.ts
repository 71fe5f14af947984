import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions } from '../../src/audit/partitions.js';
import { newId, toDbTimestamp, toJson } from '../../src/platform/db/sql.js';
import { DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const run = promisify(execFile);
const monthsAgo = (n: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - n);
  return d;
};

describe(`audit retention (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'false' });
  });
  afterAll(async () => t?.destroy());

  async function insertAt(date: Date, tag: string): Promise<void> {
    if (DB_KIND === 'postgres') await ensurePartitions(t.database.db, date, date);
    const at = toDbTimestamp(date);
    const requestId = `${tag}-${newId().slice(0, 20)}`;
    const common = { request_id: requestId, customer_id: tag, tree_id: 't', node_id: 'n', created_at: at, started_at: at };
    await t.modules.get('audit').writer.write({
      requestLogs: [{ id: newId(), request_id: requestId, api_endpoint: '/x', http_method: 'POST', request_payload: toJson({}), created_at: at }],
      trails: [
        {
          id: newId(),
          request_id: requestId,
          customer_id: tag,
          operation_type: 'PROMOTION_EVALUATION',
          operation_details: toJson({}),
          status: 'SUCCESS',
          created_at: at,
        },
      ],
      steps: [
        {
          id: newId(),
          request_id: requestId,
          tree_id: 't',
          node_id: 'n',
          step_order: 1,
          node_type: 'CONDITION',
          command_type: 'SPEL_CONDITION',
          input_data: toJson({}),
          status: 'SUCCESS',
          created_at: at,
        },
      ],
      events: [
        {
          id: newId(),
          event_type: 'ERROR',
          event_category: 'SYSTEM',
          event_details: toJson({}),
          severity_level: 'ERROR',
          source_component: tag,
          created_at: at,
        },
      ],
      calls: [{ ...common, id: newId(), system: 'S', endpoint: '/e', method: 'GET', latency_ms: 1, status: 'SUCCESS', attempts: 1 }],
      queries: [{ ...common, id: newId(), query_name: 'q', query_type: 'REFERENCE', row_count: 0, latency_ms: 1, status: 'SUCCESS' }],
    });
  }

  const count = async (
    table: 'request_logs' | 'audit_trails' | 'decision_steps' | 'system_events' | 'external_call_logs' | 'database_query_logs',
    tag: string,
  ) => {
    const column = table === 'system_events' ? 'source_component' : table === 'request_logs' || table === 'decision_steps' ? 'request_id' : 'customer_id';
    const rows = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} like ${`${tag}%`}`.execute(t.database.db);
    return Number(rows.rows[0]?.n);
  };

  it("removes what is past each table's retention period and keeps the rest", async () => {
    // Oldest first, as time goes: retention then removes a prefix of the hash chain, which verify accepts.
    await insertAt(monthsAgo(90), 'm90'); // past audit_trails (7 years)
    await insertAt(monthsAgo(14), 'm14'); // past decision_steps and call logs (12 months)
    await insertAt(monthsAgo(8), 'm8'); // past system_events (6 months)
    await insertAt(monthsAgo(4), 'm4'); // past request_logs (3 months)
    // Either side of the request_logs cutoff, in the same month: the partition stays, one row goes.
    await insertAt(new Date(monthsAgo(3).getTime() - 2 * 86_400_000), 'b-old');
    await insertAt(new Date(monthsAgo(3).getTime() + 2 * 86_400_000), 'b-new');
    await insertAt(monthsAgo(0), 'now');

    const report = await t.modules.get('audit').retention();
    expect(report.cutoffs.audit_trails < toDbTimestamp(monthsAgo(83))).toBe(true);
    if (DB_KIND === 'postgres') {
      const y = monthsAgo(90);
      expect(report.droppedPartitions).toContain(`audit_trails_p${y.getUTCFullYear()}_${String(y.getUTCMonth() + 1).padStart(2, '0')}`);
    }
    expect(await count('request_logs', 'now')).toBe(1);
    expect(await count('request_logs', 'm4')).toBe(0);
    expect(await count('request_logs', 'b-old')).toBe(0);
    expect(await count('request_logs', 'b-new')).toBe(1);
    expect(await count('audit_trails', 'b-old')).toBe(1);
    expect(await count('system_events', 'm4')).toBe(1);
    expect(await count('system_events', 'm8')).toBe(0);
    expect(await count('decision_steps', 'm8')).toBe(1);
    expect(await count('decision_steps', 'm14')).toBe(0);
    expect(await count('external_call_logs', 'm14')).toBe(0);
    expect(await count('database_query_logs', 'm8')).toBe(1);
    expect(await count('audit_trails', 'm14')).toBe(1);
    expect(await count('audit_trails', 'm90')).toBe(0);
    const events = await t.database.db.selectFrom('system_events').select('event_type').where('event_type', '=', 'RETENTION').execute();
    expect(events).toHaveLength(1);
  });

  it('`banyan audit retention` runs the job once from the command line', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'retention'], {
      env: { ...process.env, ...t.testDb.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    });
    const report = JSON.parse(stdout) as { deletedRows: Record<string, number> };
    expect(report.deletedRows).toHaveProperty('request_logs');
    const verify = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify'], {
      env: { ...process.env, ...t.testDb.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    });
    expect(JSON.parse(verify.stdout)).toMatchObject({ verified: true });
  });
});
