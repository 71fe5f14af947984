import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders } from 'nats';
import type { Database } from '../../src/platform/db/database.js';
import type { EventBus } from '../../src/platform/events/bus.js';
import { NatsBus } from '../../src/platform/events/nats-bus.js';
import { enqueueEvent } from '../../src/platform/outbox/outbox.js';
import type { OutboxRelay } from '../../src/platform/outbox/relay.js';
import { deadLetterCounter, createDeadLetterSink } from '../../src/triggers/dead-letters.js';
import { deadLetterTopic, listDeadLetters } from '../../src/triggers/dead-letters.repository.js';
import { routeOf, startTriggerConsumer, type BehaviourEvent } from '../../src/triggers/trigger.consumer.js';
import { deleteStream, eventually, USE_NATS } from '../helpers/nats.js';
import { openTestBus, openTestDatabase, testRelay } from '../helpers/outbox.js';

let database: Database;
let closeDb: () => Promise<void>;
let bus: EventBus;
let env: Record<string, string>;
let relay: OutboxRelay;
const ingested: { tenantId: string; event: BehaviourEvent }[] = [];
let failNext = 0;
const warnings: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
const logger = {
  warn: (obj: object, msg?: string) => void warnings.push({ obj: obj as Record<string, unknown>, msg }),
  info: () => undefined,
  debug: () => undefined,
};

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
    { logger, deadLetters: createDeadLetterSink({ db: database.db, logger }) },
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

const DEPOSIT = 'trigger.tenant-t.user.deposit';
const publish = (payload: unknown, tenantId: string | null = 'tenant-t', topic: string = DEPOSIT) =>
  database.db.transaction().execute((trx) => enqueueEvent(trx, { topic, tenantId, key: 'p1', payload }));

const deadLetters = async (messageId?: string) =>
  (await listDeadLetters(database.db, {}, 0, 500)).rows.filter((r) => messageId === undefined || r.messageId === messageId);
const deadFor = (messageId: string) => eventually(async () => (await deadLetters(messageId)).length > 0, 10_000, `dead letter ${messageId}`);

describe('subject → tenant binding (pure)', () => {
  it('Given trigger.<tenant>.user.<type>, Then the tenant and type come from the subject', () => {
    expect(routeOf('trigger.acme.user.deposit')).toEqual({ tenantId: 'acme', type: 'user.deposit' });
    expect(routeOf('trigger.user.user.login')).toEqual({ tenantId: 'user', type: 'user.login' });
  });
  it("Given the seed's trigger.user.deposit, Then it is accepted only when a default tenant is configured", () => {
    expect(routeOf('trigger.user.deposit')).toMatchObject({ error: { code: 'NO_TENANT' } });
    expect(routeOf('trigger.user.deposit', { defaultTenant: 'solo' })).toEqual({ tenantId: 'solo', type: 'user.deposit' });
  });
  it('Given a subject token that cannot be a tenant id, Then it is UNKNOWN_TENANT without a lookup', () => {
    expect(routeOf(`trigger.${'a'.repeat(300)}.user.deposit`)).toMatchObject({ error: { code: 'UNKNOWN_TENANT' } });
    expect(routeOf('trigger.Acme:1.user.deposit')).toMatchObject({ error: { code: 'UNKNOWN_TENANT' } });
  });
  it('Given any subject, Then its dead-letter topic is a valid outbox topic of at most 200 characters', () => {
    expect(deadLetterTopic('trigger.acme.user.deposit')).toBe('banyan.dlq.trigger.acme.user.deposit');
    expect(deadLetterTopic('trigger.ac:mé.user.deposit')).toBe('banyan.dlq.trigger.ac_m_.user.deposit');
    const long = deadLetterTopic(`trigger.${'a'.repeat(300)}.user.deposit`);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^banyan\.dlq(\.[A-Za-z0-9_-]+)+$/);
  });
  it('Given any other subject under trigger., Then it is UNKNOWN_SUBJECT', () => {
    for (const topic of ['trigger.acme.game.spin', 'trigger.a.b.user.deposit', 'trigger.user', 'trigger.acme.user.'])
      expect(routeOf(topic)).toMatchObject({ error: { code: 'UNKNOWN_SUBJECT' } });
  });
});

describe(`trigger.<tenant>.user.* consumer (${USE_NATS ? 'NATS JetStream' : 'in-process'})`, () => {
  it('hands trigger.<tenant>.user.deposit to ingestion with the subject’s tenant and the event id', async () => {
    await publish({ eventId: 'dep-1', playerId: 'p1', occurredAt: '2026-01-15T10:30:00Z', data: { amount: '100.00', currency: 'USD' } });
    await eventually(() => ingested.some((i) => i.event.eventId === 'dep-1'), 10_000, 'ingested');
    expect(ingested.find((i) => i.event.eventId === 'dep-1')).toEqual({
      tenantId: 'tenant-t',
      event: { eventId: 'dep-1', type: 'user.deposit', playerId: 'p1', occurredAt: '2026-01-15T10:30:00Z', data: { amount: '100.00', currency: 'USD' } },
    });
  });

  it('takes the id from the message when the body has none', async () => {
    const id = await publish({ playerId: 'p2' }, null, 'trigger.tenant-p.user.login');
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

  it("Given a body naming another tenant (tenant injection), When published on tenant-t's subject, Then it is not ingested but dead-lettered TENANT_MISMATCH", async () => {
    const id = await publish({ eventId: 'inject-body', tenantId: 'victim', playerId: 'p1' });
    await deadFor(id);
    expect((await deadLetters(id))[0]).toMatchObject({
      reasonCode: 'TENANT_MISMATCH',
      topic: DEPOSIT,
      tenantId: 'tenant-t',
      deadLetterTopic: `banyan.dlq.${DEPOSIT}`,
    });
    expect(ingested.some((i) => i.event.eventId === 'inject-body')).toBe(false);
  });

  it('Given a Banyan-Tenant-Id header naming another tenant, When published, Then dead-lettered TENANT_MISMATCH', async () => {
    const id = await publish({ eventId: 'inject-header', playerId: 'p1' }, 'victim');
    await deadFor(id);
    expect((await deadLetters(id))[0]?.reasonCode).toBe('TENANT_MISMATCH');
    expect(ingested.some((i) => i.event.eventId === 'inject-header')).toBe(false);
  });

  it("Given the seed's trigger.user.deposit without a default tenant, When published with a tenant in the body, Then dead-lettered NO_TENANT, not ingested for that tenant", async () => {
    const id = await publish({ eventId: 'legacy', tenantId: 'tenant-t', playerId: 'p1' }, null, 'trigger.user.deposit');
    await deadFor(id);
    expect((await deadLetters(id))[0]?.reasonCode).toBe('NO_TENANT');
    expect(ingested.some((i) => i.event.eventId === 'legacy')).toBe(false);
  });

  it('Given a NUL character in the body, When published, Then dead-lettered INVALID_TEXT with the text escaped, and the next event still flows', async () => {
    // PostgreSQL's outbox cannot hold a NUL either: over NATS the attacker publishes directly.
    let id: string;
    if (USE_NATS) {
      const nats = bus as NatsBus;
      const ack = await nats.connection.jetstream().publish(nats.subject(DEPOSIT), new TextEncoder().encode('{"eventId":"nul","playerId":"p\\u0000x"}'));
      id = `${ack.stream}:${ack.seq}`;
    } else {
      id = await publish({ eventId: 'nul', playerId: 'p\u0000x' });
    }
    await publish({ eventId: 'after-nul', playerId: 'p1' });
    await deadFor(id);
    await eventually(() => ingested.some((i) => i.event.eventId === 'after-nul'), 10_000, 'the next event');
    const [dead] = await deadLetters(id);
    expect(dead?.reasonCode).toBe('INVALID_TEXT');
    expect(dead?.payload).toMatchObject({ playerId: 'p\\u0000x' });
    expect(ingested.some((i) => i.event.eventId === 'nul')).toBe(false);
  });

  it.runIf(USE_NATS)(
    'Given a subject with a 300-character tenant token and odd characters, When published, Then it is dead-lettered (the row and its copy fit their columns) instead of being redelivered',
    async () => {
      const nats = bus as NatsBus;
      const topic = `trigger.${'x'.repeat(300)}:é.user.deposit`;
      const ack = await nats.connection.jetstream().publish(nats.subject(topic), new TextEncoder().encode('{"eventId":"long","playerId":"p1"}'));
      const id = `${ack.stream}:${ack.seq}`;
      await deadFor(id);
      expect((await deadLetters(id))[0]?.reasonCode).toBe('UNKNOWN_TENANT');
    },
  );

  it.runIf(USE_NATS)('ingests a plain JSON message published straight to NATS by another producer', async () => {
    const nats = bus as NatsBus;
    await nats.connection
      .jetstream()
      .publish(nats.subject('trigger.tenant-ext.user.deposit'), new TextEncoder().encode(JSON.stringify({ id: 'ext-1', amount: '5' })));
    await eventually(() => ingested.some((i) => i.event.eventId === 'ext-1'), 10_000, 'external event');
    expect(ingested.find((i) => i.event.eventId === 'ext-1')).toMatchObject({ tenantId: 'tenant-ext', event: { type: 'user.deposit' } });
  });

  it.runIf(USE_NATS)('Given a Banyan-Topic header naming another tenant’s subject, When published, Then the real subject decides the tenant', async () => {
    const nats = bus as NatsBus;
    const h = natsHeaders();
    h.set('Banyan-Topic', 'trigger.victim.user.deposit');
    await nats.connection
      .jetstream()
      .publish(nats.subject('trigger.tenant-a.user.deposit'), new TextEncoder().encode(JSON.stringify({ id: 'spoof-topic', playerId: 'p1' })), { headers: h });
    await eventually(() => ingested.some((i) => i.event.eventId === 'spoof-topic'), 10_000, 'spoofed event');
    expect(ingested.find((i) => i.event.eventId === 'spoof-topic')?.tenantId).toBe('tenant-a');
  });

  it.runIf(USE_NATS)(
    'Given a message that is not JSON, When published straight to NATS, Then it is acknowledged once (no redelivery), stored, copied to banyan.dlq.<subject> with the reason, counted, and logged as one warning without a stack',
    async () => {
      const nats = bus as NatsBus;
      const js = nats.connection.jetstream();
      const copies = nats.connection.subscribe(nats.subject(`banyan.dlq.${DEPOSIT}`));
      const seen: { reason: string | undefined; body: { reasonCode: string; payload: { raw: string } } }[] = [];
      void (async () => {
        for await (const m of copies) seen.push({ reason: m.headers?.get('Banyan-DLQ-Reason'), body: m.json() });
      })();
      const before = (await deadLetterCounter().get()).values.find((v) => v.labels.reason === 'NOT_JSON')?.value ?? 0;
      const ack = await js.publish(nats.subject(DEPOSIT), new TextEncoder().encode('{not json'));
      const id = `${ack.stream}:${ack.seq}`;
      await deadFor(id);
      await eventually(() => seen.length > 0, 10_000, 'the dead-letter copy');
      copies.unsubscribe();
      expect(seen[0]).toMatchObject({ reason: 'NOT_JSON', body: { reasonCode: 'NOT_JSON', payload: { raw: '{not json' } } });
      const [dead] = await deadLetters(id);
      expect(dead).toMatchObject({ reasonCode: 'NOT_JSON', deliveryCount: 1, payload: { raw: '{not json' } });
      expect(dead?.reason).toMatch(/not JSON/);
      const after = (await deadLetterCounter().get()).values.find((v) => v.labels.reason === 'NOT_JSON')?.value ?? 0;
      expect(after - before).toBe(1);
      // Had it been redelivered, a second delivery would have come after ~100 ms–1 s.
      await new Promise((r) => setTimeout(r, 1500));
      const lines = warnings.filter((w) => w.obj['messageId'] === id);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.msg).toBe('bus message dead-lettered');
      expect(Object.keys(lines[0]?.obj ?? {})).not.toContain('err');
      expect(await deadLetters(id)).toHaveLength(1);
    },
  );
});
