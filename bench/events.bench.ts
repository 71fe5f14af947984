/**
 * Events-to-paid-rewards benchmark on PostgreSQL + NATS JetStream: behaviour events go in through
 * `POST /api/v1/events` (real HTTP), each earns a reward, and the clock stops when every reward is
 * PAID by the worker (outbox → relay → JetStream → worker → sandbox wallet → PAID).
 * One process, role `all`, on a fresh database and its own stream.
 *
 * Run: npm run bench:events   (BENCH_EVENTS=5000 BENCH_BATCH=10 BENCH_CONCURRENCY=8)
 * BENCH_INGEST_ONLY=1: role `api` (no worker), the clock stops when the last request returns:
 * ingestion's own ceiling, without the payout pipeline competing for the CPU.
 */
import { cpus } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { request } from 'undici';
import { createBanyan } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { countByStatus } from '../src/rewards/payouts.repository.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const INGEST_ONLY = process.env.BENCH_INGEST_ONLY === '1';
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN = { authorization: `Basic ${Buffer.from('admin:admin123').toString('base64')}` };

async function main(): Promise<void> {
  const id = `bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${id}`);
  const dbUrl = new URL(PG_ADMIN);
  dbUrl.pathname = `/${id}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'banyan-bench-'));
  const banyan = await createBanyan(
    loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
      DATA_DIR: dataDir,
      DATABASE_URL: dbUrl.toString(),
      DB_POOL_SIZE: '20',
      NATS_URL,
      NATS_STREAM: `BENCH_${id}`,
      NATS_SUBJECT_PREFIX: `${id}.`,
    }),
    INGEST_ONLY ? { role: 'api' } : {},
  );
  try {
    const base = await banyan.app.listen({ port: 0, host: '127.0.0.1' });
    const post = async <T>(url: string, body: unknown, headers: Record<string, string>): Promise<T> => {
      const res = await request(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const json = (await res.body.json()) as { data: T };
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${JSON.stringify(json)}`);
      return json.data;
    };
    await post('/api/v1/admin/tenants', { id: 'bench', name: 'Bench' }, ADMIN);
    const { apiKey } = await post<{ apiKey: string }>('/api/v1/admin/tenants/bench/api-keys', { name: 'bench' }, ADMIN);
    const tenant = { 'x-api-key': apiKey };
    const campaign = await post<{ id: string }>(
      '/api/v1/campaigns',
      {
        name: 'Deposit match',
        eventTypes: ['user.deposit'],
        rewardType: 'BONUS',
        currency: 'USD',
        eligibilityRule: { language: 'jsonlogic', rule: { '>=': [{ var: 'event.amount' }, 10] } },
        rewardFormula: { language: 'jsonlogic', rule: { min: [{ '*': [{ var: 'event.amount' }, 0.5] }, 100] } },
      },
      tenant,
    );
    await post(`/api/v1/campaigns/${campaign.id}/transitions`, { to: 'ACTIVE' }, tenant);

    const batches = Math.ceil(EVENTS / BATCH);
    let next = 0;
    let rewarded = 0;
    const started = performance.now();
    const lane = async () => {
      while (next < batches) {
        const b = next++;
        const events = Array.from({ length: Math.min(BATCH, EVENTS - b * BATCH) }, (_, i) => ({
          eventId: `e-${b}-${i}`,
          type: 'user.deposit',
          playerId: `p-${b}-${i}`,
          occurredAt: new Date().toISOString(),
          data: { amount: '80.00', currency: 'USD' },
        }));
        const result = await post<{ rewarded: number }>('/api/v1/events', { events }, tenant);
        rewarded += result.rewarded;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const ingested = performance.now();
    for (;;) {
      if (INGEST_ONLY) break;
      const counts = await countByStatus(banyan.database.db);
      if (counts.PAID + counts.FAILED >= rewarded) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const paidAt = performance.now();
    const counts = await countByStatus(banyan.database.db);
    const pool = new pg.Client({ connectionString: dbUrl.toString() });
    await pool.connect();
    const { rows } = await pool.query<{ p50: number; p95: number; p99: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
         FROM (SELECT extract(epoch FROM (paid_at - created_at)) * 1000 AS ms FROM rewards WHERE status = 'PAID') t`,
    );
    await pool.end();
    const secs = (ms: number) => ms / 1000;
    const report = {
      machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
      date: new Date().toISOString().slice(0, 10),
      events: EVENTS,
      batch: BATCH,
      concurrency: CONCURRENCY,
      ingestOnly: INGEST_ONLY,
      rewarded,
      paid: counts.PAID,
      failed: counts.FAILED,
      ingestEventsPerSec: Math.round(EVENTS / secs(ingested - started)),
      endToEndEventsPerSec: Math.round(EVENTS / secs(paidAt - started)),
      paidRewardsPerSec: Math.round(counts.PAID / secs(paidAt - started)),
      rewardLatencyMs: { p50: Math.round(Number(rows[0]?.p50 ?? 0)), p95: Math.round(Number(rows[0]?.p95 ?? 0)), p99: Math.round(Number(rows[0]?.p99 ?? 0)) },
      seconds: { ingest: secs(ingested - started), total: secs(paidAt - started) },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await banyan.close();
    await admin.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
    const { connect } = await import('nats');
    const nc = await connect({ servers: NATS_URL });
    await (await nc.jetstreamManager()).streams.delete(`BENCH_${id}`).catch(() => false);
    await nc.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
