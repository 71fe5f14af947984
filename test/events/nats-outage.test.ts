/** The relay and a durable consumer ride out a NATS outage on a private server: nothing is lost. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueEvent, TOPICS } from '../../src/platform/outbox/outbox.js';
import { connectNatsBus } from '../../src/platform/events/nats-bus.js';
import { freePort, NatsServer, USE_NATS, eventually } from '../helpers/nats.js';
import { openTestDatabase, testRelay } from '../helpers/outbox.js';

// Needs a real broker: runs with PostgreSQL/NATS and always in CI, where a missing nats-server fails it.
const NEEDS_NATS = USE_NATS || process.env.CI === 'true';

describe.runIf(NEEDS_NATS)('NATS outage', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = new NatsServer(await freePort());
    await server.start();
  });
  afterAll(async () => server?.destroy());

  it('keeps events in the outbox while NATS is down, reconnects, and delivers every one', async () => {
    const opened = await openTestDatabase();
    // Always the private server (never the in-process bus): the outage is the point of this test.
    const bus = await connectNatsBus({ url: server.url, stream: 'BANYAN_OUTAGE', subjectPrefix: '' });
    const seen = new Map<string, number>();
    await bus.subscribe('promotion.>', async (e) => void seen.set(e.id, (seen.get(e.id) ?? 0) + 1), { durable: 'outage', ackWaitMs: 1000 });
    const relay = testRelay(opened.database, bus, { url: opened.url, pollMs: 100, retryMaxMs: 500 });
    relay.start();
    const enqueue = (n: number, tag: string) =>
      opened.database.db.transaction().execute(async (trx) => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) ids.push(await enqueueEvent(trx, { topic: TOPICS.promotionJoin, tenantId: 't', key: `${tag}-${i}`, payload: { i } }));
        return ids;
      });
    try {
      const before = await enqueue(50, 'before');
      await eventually(() => before.every((id) => seen.has(id)), 10_000, 'events before the outage');

      await server.stop();
      const during = await enqueue(100, 'during');
      await new Promise((r) => setTimeout(r, 2500));
      const lag = await relay.lag();
      expect(lag.pending).toBe(100);
      expect(lag.oldestAgeMs).toBeGreaterThanOrEqual(2000);
      expect(relay.snapshot().failed).toBeGreaterThan(0);

      await server.start();
      await eventually(() => during.every((id) => seen.has(id)), 30_000, 'events from the outage');
      // The relay marks a batch published after the broker's ack, a moment after subscribers may see it.
      await eventually(async () => (await relay.lag()).pending === 0, 10_000, 'the outbox to drain');
      // At-least-once with dedupe on Nats-Msg-Id: every event arrived; none was lost.
      expect([...before, ...during].every((id) => (seen.get(id) ?? 0) >= 1)).toBe(true);
    } finally {
      await relay.stop();
      await bus.close();
      await opened.close();
    }
  }, 60_000);
});
