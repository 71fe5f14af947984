/** A stream made by an older version (no `banyan.work.>`) is brought up to date on connect, idempotently. */
import { connect } from 'nats';
import { describe, expect, it } from 'vitest';
import { connectNatsBus } from '../../src/platform/events/nats-bus.js';
import { STREAM_ROOTS, WORK } from '../../src/platform/events/topics.js';
import { eventually, NATS_URL, requireNats, USE_NATS } from '../helpers/nats.js';

// Needs a real broker: runs with PostgreSQL/NATS and always in CI.
const NEEDS_NATS = USE_NATS || process.env.CI === 'true';

describe.runIf(NEEDS_NATS)('JetStream stream upgrade', () => {
  it('Given a long-running stream without the work-queue subjects, When Banyan connects (twice, concurrently), Then the stream gains them and keeps its messages', async () => {
    await requireNats();
    const id = `up${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const stream = `BANYAN_${id}`;
    const prefix = `${id}.`;
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    try {
      // What the previous version created: the fact roots and dead letters only.
      const old = ['promotion', 'decision', 'billing', 'trigger', 'banyan.dlq'].map((r) => `${prefix}${r}.>`);
      await jsm.streams.add({ name: stream, subjects: old });
      await nc.jetstream().publish(`${prefix}promotion.event.join`, new TextEncoder().encode('{}'));

      const [a, b] = await Promise.all([0, 1].map(() => connectNatsBus({ url: NATS_URL, stream, subjectPrefix: prefix })));
      const info = await jsm.streams.info(stream);
      expect([...info.config.subjects].sort()).toEqual(STREAM_ROOTS.map((r) => `${prefix}${r}.>`).sort());
      expect(info.state.messages).toBe(1);

      // A third start changes nothing, and the work queue is carried.
      const c = await connectNatsBus({ url: NATS_URL, stream, subjectPrefix: prefix });
      expect((await jsm.streams.info(stream)).config.subjects).toHaveLength(STREAM_ROOTS.length);
      const got: string[] = [];
      await c.subscribe(WORK.rewardPay, async (e) => void got.push(e.id), { durable: 'upgrade-pay' });
      await a!.publish({
        id: `${id}-w1`,
        topic: WORK.rewardPay,
        tenantId: 't',
        key: 'r1',
        payload: { rewardId: 'r1', tenantId: 't', cause: 'created' },
        headers: {},
        createdAt: new Date().toISOString(),
      });
      await eventually(() => got.includes(`${id}-w1`), 5000, 'the work item');
      await Promise.all([a!.close(), b!.close(), c.close()]);
    } finally {
      await jsm.streams.delete(stream).catch(() => false);
      await nc.close();
    }
  });
});
