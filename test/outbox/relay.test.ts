import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/database.js';
import { InProcessBus, type Delivery, type EventBus } from '../../src/platform/events/bus.js';
import { enqueueEvent, InvalidTopicError, TOPICS, type OutboxEvent } from '../../src/platform/outbox/outbox.js';
import { publishBackoffMs, type OutboxRelay } from '../../src/platform/outbox/relay.js';
import { DB_KIND } from '../helpers/app.js';
import { deleteStream, eventually, USE_NATS } from '../helpers/nats.js';
import { openTestBus, openTestDatabase, testRelay } from '../helpers/outbox.js';

let database: Database;
let closeDb: () => Promise<void>;
let bus: EventBus;
let env: Record<string, string>;
let relay: OutboxRelay;
const received: Delivery[] = [];

beforeAll(async () => {
  const opened = await openTestDatabase();
  database = opened.database;
  closeDb = opened.close;
  ({ bus, env } = await openTestBus());
  await bus.subscribe('promotion.>', async (event) => void received.push(event), { durable: 'relay-test' });
  relay = testRelay(database, bus, { pollMs: 5000, url: opened.url });
  relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await bus?.close();
  await deleteStream(env);
  await closeDb?.();
});

const enqueue = (topic: string, key: string, payload: unknown, headers?: Record<string, string>) =>
  database.db.transaction().execute((trx) => enqueueEvent(trx, { topic, tenantId: 't1', key, payload, ...(headers ? { headers } : {}) }));
const receivedFor = (key: string) => received.filter((e) => e.key === key);

describe(`outbox relay (${DB_KIND}, ${USE_NATS ? 'NATS JetStream' : 'in-process'})`, () => {
  it('publishes committed events in creation order, woken by the commit (poll interval is 5 s)', async () => {
    const started = Date.now();
    const ids = await database.db.transaction().execute(async (trx) => {
      const out: string[] = [];
      for (let i = 0; i < 20; i++)
        out.push(await enqueueEvent(trx, { topic: TOPICS.promotionJoin, tenantId: 't1', key: 'order', payload: { i }, headers: { 'X-Trace': `tr-${i}` } }));
      return out;
    });
    await eventually(() => receivedFor('order').length === 20, 4000, 'all 20 events');
    expect(Date.now() - started).toBeLessThan(4000);
    const got = receivedFor('order');
    expect(got.map((e) => e.id)).toEqual(ids);
    expect(got.map((e) => (e.payload as { i: number }).i)).toEqual([...Array(20).keys()]);
    expect(got[0]).toMatchObject({ topic: 'promotion.event.join', tenantId: 't1', headers: { 'X-Trace': 'tr-0' }, deliveryCount: 1 });
    const rows = await database.db.selectFrom('outbox_events').select(['published_at']).where('message_key', '=', 'order').execute();
    expect(rows.every((r) => r.published_at !== null)).toBe(true);
  });

  it('never publishes an event whose transaction rolled back', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueueEvent(trx, { topic: TOPICS.promotionReward, tenantId: 't1', key: 'rolled-back', payload: {} });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await enqueue(TOPICS.promotionReward, 'after-rollback', {});
    await eventually(() => receivedFor('after-rollback').length === 1, 4000, 'the later event');
    expect(receivedFor('rolled-back')).toHaveLength(0);
  });

  it('refuses a topic outside the stream families', async () => {
    await expect(enqueue('orders.created', 'x', {})).rejects.toBeInstanceOf(InvalidTopicError);
    await expect(enqueue('promotion', 'x', {})).rejects.toBeInstanceOf(InvalidTopicError);
  });
});

describe('relay failures', () => {
  it('retries a failing publish with backoff, reports lag meanwhile, and publishes each event once when the bus recovers', async () => {
    const opened = await openTestDatabase();
    const inner = new InProcessBus();
    const seen: string[] = [];
    await inner.subscribe('billing.>', async (e) => void seen.push(e.id), { durable: 'flaky' });
    let down = true;
    let calls = 0;
    const flaky: EventBus = {
      kind: 'in-process',
      publish: async (event: OutboxEvent) => {
        calls++;
        if (down) throw new Error('broker unavailable');
        return inner.publish(event);
      },
      subscribe: inner.subscribe.bind(inner),
      close: () => inner.close(),
    };
    const r = testRelay(opened.database, flaky, { pollMs: 20, retryMaxMs: 100 });
    try {
      const ids = await opened.database.db
        .transaction()
        .execute(async (trx) =>
          Promise.all([1, 2, 3].map((n) => enqueueEvent(trx, { topic: TOPICS.billingBudgetAlert, tenantId: null, key: `k${n}`, payload: { n } }))),
        );
      r.start();
      await eventually(() => calls >= 9, 5000, 'three rounds of attempts');
      const lag = await r.lag();
      expect(lag.pending).toBe(3);
      expect(lag.oldestAgeMs).toBeGreaterThan(0);
      const row = await opened.database.db
        .selectFrom('outbox_events')
        .select(['attempts', 'last_error', 'published_at'])
        .where('id', '=', ids[0]!)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ last_error: 'broker unavailable', published_at: null });
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      down = false;
      await eventually(() => seen.length === 3, 5000, 'published after recovery');
      await new Promise((res) => setTimeout(res, 200));
      expect([...seen].sort()).toEqual([...ids].sort());
      expect((await r.lag()).pending).toBe(0);
      expect(r.snapshot()).toMatchObject({ published: 3 });
    } finally {
      await r.stop();
      await flaky.close();
      await opened.close();
    }
  });

  it('backs off exponentially with jitter, within the cap', () => {
    expect(publishBackoffMs(1, 10_000, () => 0)).toBe(100);
    expect(publishBackoffMs(1, 10_000, () => 1)).toBe(200);
    expect(publishBackoffMs(5, 10_000, () => 1)).toBe(3200);
    expect(publishBackoffMs(30, 10_000, () => 1)).toBe(10_000);
    expect(publishBackoffMs(30, 10_000, () => 0)).toBe(5000);
  });

  it.runIf(DB_KIND === 'postgres')('lets several relays run on PostgreSQL without publishing an event twice (FOR UPDATE SKIP LOCKED)', async () => {
    const opened = await openTestDatabase();
    const published = new Map<string, number>();
    const counting: EventBus = {
      kind: 'in-process',
      publish: async (event) => {
        await new Promise((res) => setTimeout(res, 2));
        published.set(event.id, (published.get(event.id) ?? 0) + 1);
      },
      subscribe: async () => ({ stop: async () => undefined }),
      close: async () => undefined,
    };
    const relays = [1, 2, 3].map(() => testRelay(opened.database, counting, { pollMs: 10, batchSize: 25 }));
    try {
      for (let b = 0; b < 10; b++) {
        await opened.database.db.transaction().execute(async (trx) => {
          for (let i = 0; i < 50; i++) await enqueueEvent(trx, { topic: TOPICS.decisionModelUpdate, tenantId: 't', key: `${b}-${i}`, payload: {} });
        });
      }
      relays.forEach((r) => r.start());
      await eventually(() => published.size === 500, 20_000, '500 events');
      await new Promise((res) => setTimeout(res, 300));
      expect([...published.values()].every((n) => n === 1)).toBe(true);
      expect(relays.filter((r) => r.snapshot().published > 0).length).toBeGreaterThan(1);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await opened.close();
    }
  });
});
