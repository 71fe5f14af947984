import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders } from 'nats';
import type { Database } from '../../src/platform/db/database.js';
import type { EventBus } from '../../src/platform/events/bus.js';
import { NatsBus } from '../../src/platform/events/nats-bus.js';
import { enqueueEvent, TOPICS } from '../../src/platform/outbox/outbox.js';
import type { OutboxRelay } from '../../src/platform/outbox/relay.js';
import { startTriggerConsumer, type BehaviourEvent } from '../../src/triggers/trigger.consumer.js';
import { deleteStream, eventually, USE_NATS } from '../helpers/nats.js';
import { openTestBus, openTestDatabase, quietLogger, testRelay } from '../helpers/outbox.js';

let database: Database;
let closeDb: () => Promise<void>;
let bus: EventBus;
let env: Record<string, string>;
let relay: OutboxRelay;
const ingested: { tenantId: string; event: BehaviourEvent }[] = [];
let failNext = 0;

beforeAll(async () => {
  const opened = await openTestDatabase();
  database = opened.database;
  closeDb = opened.close;
  ({ bus, env } = await openTestBus());
  await startTriggerConsumer(
    bus,
    async (tenantId, events) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('database busy');
      }
      for (const event of events) ingested.push({ tenantId, event });
    },
    { logger: quietLogger },
  );
  relay = testRelay(database, bus, { url: opened.url });
  relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await bus?.close();
  await deleteStream(env);
  await closeDb?.();
});

const publish = (payload: unknown, tenantId: string | null = 'tenant-t', topic: string = TOPICS.triggerUserDeposit) =>
  database.db.transaction().execute((trx) => enqueueEvent(trx, { topic, tenantId, key: 'p1', payload }));

describe(`trigger.user.* consumer (${USE_NATS ? 'NATS JetStream' : 'in-process'})`, () => {
  it('hands trigger.user.deposit to ingestion with the tenant and the event id', async () => {
    await publish({ eventId: 'dep-1', playerId: 'p1', occurredAt: '2026-01-15T10:30:00Z', data: { amount: '100.00', currency: 'USD' } });
    await eventually(() => ingested.some((i) => i.event.eventId === 'dep-1'), 10_000, 'ingested');
    expect(ingested.find((i) => i.event.eventId === 'dep-1')).toEqual({
      tenantId: 'tenant-t',
      event: { eventId: 'dep-1', type: 'user.deposit', playerId: 'p1', occurredAt: '2026-01-15T10:30:00Z', data: { amount: '100.00', currency: 'USD' } },
    });
  });

  it('takes the tenant from the payload and the id from the message when they are not elsewhere', async () => {
    const id = await publish({ tenantId: 'tenant-p', playerId: 'p2' }, null, 'trigger.user.login');
    await eventually(() => ingested.some((i) => i.event.eventId === id), 10_000, 'ingested');
    expect(ingested.find((i) => i.event.eventId === id)).toMatchObject({ tenantId: 'tenant-p', event: { type: 'user.login', playerId: 'p2' } });
    expect(Number.isNaN(Date.parse(ingested.find((i) => i.event.eventId === id)!.event.occurredAt))).toBe(false);
  });

  it('redelivers when ingestion fails and acknowledges only after it succeeded', async () => {
    failNext = 1;
    await publish({ eventId: 'dep-retry', playerId: 'p3' });
    await eventually(() => ingested.some((i) => i.event.eventId === 'dep-retry'), 15_000, 'ingested after a failure');
    expect(failNext).toBe(0);
  });

  it('drops an event without a tenant instead of redelivering it forever', async () => {
    await publish({ eventId: 'no-tenant' }, null);
    await publish({ eventId: 'after-no-tenant' });
    await eventually(() => ingested.some((i) => i.event.eventId === 'after-no-tenant'), 10_000, 'the next event');
    expect(ingested.some((i) => i.event.eventId === 'no-tenant')).toBe(false);
  });

  it.runIf(USE_NATS)('ingests a plain JSON message published straight to NATS by another producer', async () => {
    const nats = bus as NatsBus;
    const h = natsHeaders();
    h.set('Banyan-Tenant-Id', 'tenant-ext');
    await nats.connection.jetstream().publish(nats.subject('trigger.user.deposit'), new TextEncoder().encode(JSON.stringify({ id: 'ext-1', amount: '5' })), { headers: h });
    await eventually(() => ingested.some((i) => i.event.eventId === 'ext-1'), 10_000, 'external event');
    expect(ingested.find((i) => i.event.eventId === 'ext-1')).toMatchObject({ tenantId: 'tenant-ext', event: { type: 'user.deposit' } });
  });
});
