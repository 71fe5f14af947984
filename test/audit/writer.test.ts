import { sql } from 'kysely';
import pg from 'pg';
import { GroupWriter, type AuditEntry } from '../../src/audit/writer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, toDbTimestamp, toJson } from '../../src/platform/db/sql.js';
import { loadConfig } from '../../src/platform/config.js';
import { DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const VIP = { customerId: 'CUST001', accountType: 'VIP', annualIncome: 2_500_000, creditScore: 780 };
const trail = (customerId: string | null) => ({
  trails: [
    {
      id: newId(),
      request_id: newId(),
      customer_id: customerId as string,
      operation_type: 'TEST',
      operation_details: toJson({}),
      status: 'SUCCESS',
      created_at: toDbTimestamp(),
    },
  ],
});
const rename = (t: TestApp, from: string, to: string) => sql`alter table ${sql.table(from)} rename to ${sql.table(to)}`.execute(t.database.db);

describe(`audit group commit (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUDIT_BATCH_SIZE: '16', AUDIT_FLUSH_MS: '5' });
  });
  afterAll(async () => t?.destroy());

  it('commits concurrent evaluations in shared transactions, each answered after its commit', async () => {
    const before = { ...t.modules.get('audit').writer.stats };
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: { ...VIP, customerId: `GC${i}` } })),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const batches = t.modules.get('audit').writer.stats.batches - before.batches;
    expect(t.modules.get('audit').writer.stats.records - before.records).toBe(60);
    expect(batches).toBeLessThan(60);
    for (const r of responses) {
      const id = r.headers['x-request-id'] as string;
      const n = await t.database.db.selectFrom('audit_trails').select('id').where('request_id', '=', id).execute();
      expect(n).toHaveLength(1);
    }
  });

  it('isolates a bad record: only its own promise fails, the rest of its batch commits', async () => {
    const results = await Promise.allSettled([
      t.modules.get('audit').writer.write(trail('A')),
      t.modules.get('audit').writer.write(trail(null)),
      t.modules.get('audit').writer.write(trail('B')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(t.modules.get('audit').writer.stats.isolations).toBeGreaterThanOrEqual(1);
    const verify = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: { authorization: `Basic ${Buffer.from('auditor:auditor123').toString('base64')}` },
    });
    expect(verify.json<{ data: { verified: boolean } }>().data.verified).toBe(true);
  });

  it('strict mode: when the audit store fails the evaluation answers 503, not unaudited', async () => {
    await rename(t, 'decision_steps', 'decision_steps_away');
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: VIP });
      expect(res.statusCode).toBe(503);
      expect(res.json<{ errorCode: string; success: boolean }>()).toMatchObject({ success: false, errorCode: 'SERVICE_UNAVAILABLE' });
      const trails = await t.database.db
        .selectFrom('audit_trails')
        .select('id')
        .where('request_id', '=', res.headers['x-request-id'] as string)
        .execute();
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
    await t.modules.get('audit').writer.drain();
    await new Promise((r) => setTimeout(r, 50));
    expect(t.modules.get('audit').retryQueueLength).toBeGreaterThanOrEqual(1);
    await rename(t, 'decision_steps_away', 'decision_steps');
    await new Promise((r) => setTimeout(r, 1300));
    await t.modules.get('audit').writer.drain();
    const trails = await t.database.db.selectFrom('audit_trails').select('id').where('request_id', '=', id).execute();
    expect(trails).toHaveLength(1);
    expect(t.modules.get('audit').retryQueueLength).toBe(0);
  });
});

describe('audit configuration', () => {
  it('validates AUDIT_* variables', () => {
    expect(loadConfig({}).audit).toMatchObject({
      mode: 'strict',
      batchSize: 64,
      flushMs: 2,
      retention: { request_logs: 3, audit_trails: 84, decision_steps: 12, system_events: 6 },
    });
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
    expect(await plan("select * from audit_trails where customer_id = 'C1' order by created_at desc limit 20")).toMatch(
      /Index.*(idx_audit_customer|audit_trails_p\d+_\d+_customer)/,
    );
    expect(await plan("select * from decision_steps where request_id = 'r1' order by step_order")).toMatch(
      /Index.*(idx_decision_request_step|decision_steps_p\d+_\d+_request_id_step_order)/,
    );
    expect(await plan("select * from audit_trails where request_id = 'r1'")).toMatch(/Index/);
  });
});

describe.runIf(DB_KIND === 'postgres')('PostgreSQL batch statements (unnest, chained in SQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'false', AUDIT_BATCH_SIZE: '32', AUDIT_FLUSH_MS: '1' });
  });
  afterAll(async () => t?.destroy());

  const big = { text: 'x'.repeat(200_000), nested: Array.from({ length: 500 }, (_, i) => ({ i, s: `值 ${i} "q" \\ \n` })) };
  const base = Date.now() - 60_000;
  const tricky = ['', 'a,b', '{"x"}', 'NULL', 'null', 'quote " backslash \\ brace { } comma ,', 'emoji 🌳 中文 ẞ', 'line\nbreak\ttab'];

  function entryFor(i: number, s: string): AuditEntry {
    const requestId = newId();
    const at = toDbTimestamp(new Date(base + i));
    return {
      requestLogs: [
        {
          id: newId(),
          request_id: requestId,
          api_endpoint: `/e/${s}`,
          http_method: 'POST',
          request_payload: toJson({ s, big: i === 0 ? big : null }),
          response_payload: i % 2 ? null : toJson([s]),
          response_status: i % 3 ? 200 : null,
          client_ip: null,
          user_agent: s,
          processing_time_ms: i,
          created_at: at,
          completed_at: i % 2 ? null : at,
        },
      ],
      steps: [
        {
          id: newId(),
          request_id: requestId,
          tree_id: 't',
          node_id: s.slice(0, 100),
          step_order: 1,
          node_type: 'ROOT',
          command_type: 'C',
          input_data: toJson({ s }),
          output_data: i % 2 ? null : toJson(s),
          execution_time_ms: null,
          status: 'SUCCESS',
          error_details: i % 2 ? s : null,
          created_at: at,
        },
      ],
      calls: [
        {
          id: newId(),
          request_id: requestId,
          customer_id: 'C',
          tree_id: 't',
          node_id: 'n',
          system: 'S',
          endpoint: s.slice(0, 200),
          method: 'GET',
          request_payload: null,
          response_payload: toJson({ s }),
          response_status: null,
          latency_ms: 1,
          status: 'SUCCESS',
          attempts: 1,
          error_message: s,
          started_at: at,
          created_at: at,
        },
      ],
      queries: [
        {
          id: newId(),
          request_id: requestId,
          customer_id: 'C',
          tree_id: 't',
          node_id: 'n',
          query_name: 'q',
          query_type: 'REFERENCE',
          parameters: toJson({ s }),
          row_count: 0,
          result: null,
          latency_ms: 1,
          status: 'SUCCESS',
          error_message: null,
          started_at: at,
          created_at: at,
        },
      ],
      events: [
        {
          id: newId(),
          event_type: 'TEST',
          event_category: 'SYSTEM',
          event_details: toJson({ s }),
          severity_level: 'INFO',
          source_component: s.slice(0, 100),
          correlation_id: requestId,
          created_at: at,
        },
      ],
      history: [
        {
          id: newId(),
          customer_id: 'C',
          promotion_id: 'P',
          promotion_result: toJson({ s, n: 1.5 }),
          executed_at: at,
          request_id: requestId,
          tree_id: null,
          tree_version: i,
          eligible: i % 2,
        },
      ],
      trails: [
        {
          id: newId(),
          request_id: requestId,
          customer_id: s.slice(0, 50),
          operation_type: 'TEST',
          operation_details: toJson({ s, big: i === 0 ? big : undefined }),
          execution_time_ms: i % 2 ? null : i,
          status: 'SUCCESS',
          error_message: i % 2 ? s : null,
          created_at: at,
          tree_id: null,
          tree_version: i % 2 ? 1 : null,
          outcome: i % 2 ? null : toJson({ s }),
          actor: i % 2 ? s : null,
        },
      ],
    };
  }

  const tables = ['request_logs', 'decision_steps', 'external_call_logs', 'database_query_logs', 'system_events', 'promotion_history', 'audit_trails'] as const;
  async function rowsOf(ids: readonly string[]): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const column = table === 'system_events' ? 'correlation_id' : 'request_id';
      const rows = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(ids)}) order by ${sql.ref(column)}`.execute(t.database.db);
      out[table] = rows.rows.map(({ id: _id, seq: _seq, prev_hash: _p, hash: _h, ...rest }) => rest);
    }
    return out;
  }

  it('writes exactly the rows the Kysely path writes (JSON, nulls, unicode, big payloads)', async () => {
    const viaPg = tricky.map((s, i) => entryFor(i, s));
    const viaKysely = tricky.map((s, i) => entryFor(i, s));
    // Same content, different ids: compare by request id order mapped onto each other.
    await Promise.all(viaPg.map((e) => t.modules.get('audit').writer.write(e)));
    const kysely = new GroupWriter(t.database.db, 'postgres', { batchSize: 64, flushMs: 0 });
    await Promise.all(viaKysely.map((e) => kysely.write(e)));
    await kysely.close();
    const ids = (entries: AuditEntry[]) => entries.map((e) => e.trails?.[0]?.request_id as string);
    const a = await rowsOf(ids(viaPg));
    const b = await rowsOf(ids(viaKysely));
    const strip = (rows: Record<string, unknown[]>, entries: AuditEntry[]) => {
      const index = new Map(ids(entries).map((id, i) => [id, i]));
      const norm = (v: unknown): unknown => (typeof v === 'string' && index.has(v) ? `#${String(index.get(v))}` : v);
      return Object.fromEntries(
        Object.entries(rows).map(([k, list]) => [
          k,
          list
            .map((r) => Object.fromEntries(Object.entries(r as object).map(([c, v]) => [c, norm(v)])))
            .sort((x, y) => String(x.request_id ?? x.correlation_id).localeCompare(String(y.request_id ?? y.correlation_id))),
        ]),
      );
    };
    expect(a.audit_trails).toHaveLength(tricky.length);
    expect(strip(a, viaPg)).toEqual(strip(b, viaKysely));
    const details = (
      await sql<{ d: string }>`select operation_details::text as d from audit_trails where request_id = ${ids(viaPg)[0] ?? ''}`.execute(t.database.db)
    ).rows[0]?.d;
    expect(details).toBe(viaPg[0]?.trails?.[0]?.operation_details);
    const verify = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: { authorization: `Basic ${Buffer.from('auditor:auditor123').toString('base64')}` },
    });
    expect(verify.json<{ data: { verified: boolean } }>().data).toMatchObject({ verified: true });
  });

  it('keeps one hash chain with several writers on separate connections (as several processes would)', async () => {
    const url = process.env.TEST_PG_ADMIN_URL ?? '';
    expect(url).not.toBe('');
    const database = (await sql<{ d: string }>`select current_database() as d`.execute(t.database.db)).rows[0]?.d ?? '';
    const target = new URL(url);
    target.pathname = `/${database}`;
    const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: target.toString(), max: 4 }));
    const writers = pools.map((pool) => new GroupWriter(t.database.db, 'postgres', { batchSize: 8, flushMs: 1, maxInFlight: 4, pg: pool }));
    try {
      await Promise.all(Array.from({ length: 300 }, (_, i) => (writers[i % writers.length] as GroupWriter).write(entryFor(i + 100, `w${i}`))));
    } finally {
      for (const w of writers) await w.close();
      for (const p of pools) await p.end();
    }
    const verify = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/verify',
      headers: { authorization: `Basic ${Buffer.from('auditor:auditor123').toString('base64')}` },
    });
    expect(verify.json<{ data: { verified: boolean } }>().data).toMatchObject({ verified: true });
    const { rows } = await sql<{
      n: number;
      s: number;
      m: number;
    }>`select count(*)::int as n, count(distinct seq)::int as s, max(seq)::int as m from audit_trails`.execute(t.database.db);
    expect(rows[0]?.n).toBe(rows[0]?.s);
    expect(rows[0]?.m).toBe(rows[0]?.n);
  });
});
