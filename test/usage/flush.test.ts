import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { newId } from '../../src/platform/db/sql.js';
import { usageMigrations } from '../../src/usage/usage.migrations.js';
import { applyUsageBatch, type UsageBatch } from '../../src/usage/usage.repository.js';
import { createUsageService } from '../../src/usage/usage.service.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers/app.js';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);
const MINUTE = 60_000;

describe('usage flush: batches stored once, failures kept', () => {
  let testDb: TestDatabase;
  let database: Database;
  let tenantSeq = 0;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = openDatabase(testConfig(testDb).database, logger);
    await migrateToLatest(database, usageMigrations);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  const freshTenant = () => `flush-${++tenantSeq}`;
  const total = async (tenantId: string) => {
    const row = await database.db
      .selectFrom('usage_buckets')
      .where('tenant_id', '=', tenantId)
      .select((eb) => eb.fn.sum<number | string | null>('count').as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n ?? 0);
  };
  const bucketRows = (tenantId: string) => database.db.selectFrom('usage_buckets').where('tenant_id', '=', tenantId).selectAll().execute();
  const batchOf = (tenantId: string, counts: [route: string, status: number, count: number][], minute = T0): UsageBatch => ({
    id: newId(),
    counts: counts.map(([route, status, count]) => ({ tenantId, keyId: 'k1', route, method: 'GET', status, minute, count })),
  });

  it('Given a flush batch, When the same batch is applied twice, Then it is counted once and the second application changes nothing', async () => {
    const tenant = freshTenant();
    const batch = batchOf(tenant, [
      ['/api/v1/events', 200, 5],
      ['/api/v1/events', 400, 2],
    ]);
    expect(await applyUsageBatch(database.db, batch)).toBe(true);
    expect(await applyUsageBatch(database.db, batch)).toBe(false);
    expect(await total(tenant)).toBe(7);
    expect(await bucketRows(tenant)).toHaveLength(2);
  });

  it('Given the same batch delivered concurrently, When both apply it, Then exactly one counts', async () => {
    const tenant = freshTenant();
    const batch = batchOf(tenant, [['/api/v1/campaigns', 200, 3]]);
    const results = await Promise.all([applyUsageBatch(database.db, batch), applyUsageBatch(database.db, batch), applyUsageBatch(database.db, batch)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await total(tenant)).toBe(3);
  });

  it('Given two batches for the same minute bucket, When both are applied, Then the bucket holds their sum (upsert adds)', async () => {
    const tenant = freshTenant();
    await applyUsageBatch(database.db, batchOf(tenant, [['/api/v1/campaigns', 200, 3]]));
    await applyUsageBatch(
      database.db,
      batchOf(tenant, [
        ['/api/v1/campaigns', 200, 4],
        ['/api/v1/campaigns', 200, 1],
      ]),
    );
    const rows = await bucketRows(tenant);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.count)).toBe(8);
  });

  it('Given recorded requests, When the store fails, Then the counts stay in memory and the next flush stores them, once', async () => {
    const tenant = freshTenant();
    let failures = 1;
    const usage = createUsageService({
      database,
      logger,
      flushMs: 3_600_000,
      now: () => T0 + 5 * MINUTE,
      store: async (batch) => {
        if (failures-- > 0) throw new Error('database unreachable');
        return applyUsageBatch(database.db, batch);
      },
    });
    for (let i = 0; i < 4; i++) usage.record(tenant, 'k1', '/api/v1/events', 'POST', 200);
    const failed = await usage.flush();
    expect(failed.ok).toBe(false);
    expect(usage.pending()).toBe(4);
    expect(await total(tenant)).toBe(0);
    // Requests keep counting while the failed batch is outstanding.
    usage.record(tenant, 'k1', '/api/v1/events', 'POST', 200);
    const retried = await usage.flush();
    expect(retried).toEqual({ ok: true, stored: 2, requests: 5 });
    expect(usage.pending()).toBe(0);
    expect(await total(tenant)).toBe(5);
  });

  it('Given a flush that committed but reported a failure, When it is retried, Then the batch keeps its id and is not counted twice', async () => {
    const tenant = freshTenant();
    let lostAcks = 1;
    const ids: string[] = [];
    const usage = createUsageService({
      database,
      logger,
      flushMs: 3_600_000,
      now: () => T0,
      store: async (batch) => {
        ids.push(batch.id);
        const applied = await applyUsageBatch(database.db, batch);
        if (lostAcks-- > 0) throw new Error('connection lost after COMMIT');
        return applied;
      },
    });
    for (let i = 0; i < 3; i++) usage.record(tenant, 'k1', '/api/v1/players/:playerId', 'GET', 404);
    expect((await usage.flush()).ok).toBe(false);
    expect(await total(tenant)).toBe(3);
    expect(await usage.flush()).toEqual({ ok: true, stored: 1, requests: 0 });
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(await total(tenant)).toBe(3);
  });

  it('Given counts over several minutes, When flushed, Then each minute is its own bucket and an hour query sums them', async () => {
    const tenant = freshTenant();
    let clock = T0;
    const usage = createUsageService({ database, logger, flushMs: 3_600_000, now: () => clock });
    usage.record(tenant, 'k1', '/api/v1/campaigns', 'GET', 200);
    clock = T0 + MINUTE + 59_999;
    usage.record(tenant, 'k1', '/api/v1/campaigns', 'GET', 200);
    usage.record(tenant, 'k2', '/api/v1/campaigns', 'GET', 200);
    clock = T0 + 61 * MINUTE;
    usage.record(tenant, 'k1', '/api/v1/campaigns', 'GET', 200);
    await usage.flush();
    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 2 * 60 * MINUTE).toISOString();
    const minute = await usage.query(tenant, { from, to, granularity: 'minute', groupBy: 'route' });
    expect(minute.rows.map((r) => [r.bucket, r.count])).toEqual([
      ['2026-12-04T10:00:00.000Z', 1],
      ['2026-12-04T10:01:00.000Z', 2],
      ['2026-12-04T11:01:00.000Z', 1],
    ]);
    const hour = await usage.query(tenant, { from, to, granularity: 'hour', groupBy: 'key' });
    expect(hour.rows).toEqual([
      { bucket: '2026-12-04T10:00:00.000Z', keyId: 'k1', status: 200, count: 2 },
      { bucket: '2026-12-04T10:00:00.000Z', keyId: 'k2', status: 200, count: 1 },
      { bucket: '2026-12-04T11:00:00.000Z', keyId: 'k1', status: 200, count: 1 },
    ]);
    const day = await usage.query(tenant, { from: '2026-12-04', to: '2026-12-05', granularity: 'day', groupBy: 'route' });
    expect(day.rows).toEqual([{ bucket: '2026-12-04T00:00:00.000Z', route: '/api/v1/campaigns', method: 'GET', status: 200, count: 4 }]);
    // `to` is exclusive: the 10:01 bucket is outside [10:00, 10:01).
    const first = await usage.query(tenant, { from, to: '2026-12-04T10:01:00Z', granularity: 'minute', groupBy: 'route' });
    expect(first.rows.map((r) => r.count)).toEqual([1]);
  });

  it('Given a started service, When the flush interval passes or it stops, Then what was counted is stored', async () => {
    const tenant = freshTenant();
    const usage = createUsageService({ database, logger, flushMs: 100 });
    usage.start();
    usage.record(tenant, 'k1', '/api/v1/campaigns', 'GET', 200);
    const deadline = Date.now() + 5000;
    while ((await total(tenant)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await total(tenant)).toBe(1);
    usage.record(tenant, 'k1', '/api/v1/campaigns', 'GET', 200);
    await usage.stop();
    expect(await total(tenant)).toBe(2);
    expect(usage.pending()).toBe(0);
  });
});
