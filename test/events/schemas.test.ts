import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/platform/events/bus.js';
import { EVENT_SCHEMAS } from '../../src/platform/events/schemas.js';
import { SCHEMA_HEADER, STREAM_ROOTS, SUBJECTS, TOPICS, WORK, subjectEntry } from '../../src/platform/events/topics.js';
import { enqueueEvent } from '../../src/platform/outbox/outbox.js';
import { getReward, retryReward } from '../../src/rewards/rewards.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { deleteStream, eventually, natsEnv, requireNats, USE_NATS } from '../helpers/nats.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller } from '../campaigns/helpers.js';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
// ajv-formats is CommonJS; its default export arrives as `default` under NodeNext.
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

function compileAll(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  for (const schema of Object.values(EVENT_SCHEMAS)) ajv.addSchema(schema);
  return ajv;
}

/** Why `payload` does not fit the schema `id`, or undefined when it does. */
function violation(ajv: Ajv2020, id: string, payload: unknown): string | undefined {
  const validate = ajv.getSchema(id);
  if (!validate) return `no schema ${id}`;
  return validate(payload) ? undefined : ajv.errorsText(validate.errors);
}

const docs = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');

describe('the subject catalogue', () => {
  it('Given every topic and work queue, Then each has a catalogue entry, a schema and a docs/events.md entry naming its schema', () => {
    for (const subject of [...Object.values(TOPICS), ...Object.values(WORK)]) {
      const entry = subjectEntry(subject);
      expect(entry, `${subject} has no entry in SUBJECTS (topics.ts)`).toBeDefined();
      expect(EVENT_SCHEMAS[entry?.schema ?? ''], `${subject}: no schema ${entry?.schema}`).toBeDefined();
    }
    for (const entry of SUBJECTS) {
      expect(EVENT_SCHEMAS[entry.schema], `${entry.subject}: no schema ${entry.schema}`).toBeDefined();
      expect(docs, `docs/events.md does not list ${entry.subject}`).toContain(`\`${entry.subject}\``);
      expect(docs, `docs/events.md does not name ${entry.schema}`).toContain(`\`${entry.schema}\``);
      if (entry.status === 'reserved') expect(entry.kind).toBe('fact');
    }
    // Each schema belongs to a subject, and its $id carries the version.
    for (const [id, schema] of Object.entries(EVENT_SCHEMAS)) {
      expect(schema['$id']).toBe(id);
      expect(id).toMatch(/^banyan:event\/[a-z.]+\/v\d+$/);
      expect(
        SUBJECTS.some((e) => e.schema === id),
        `${id} is used by no subject`,
      ).toBe(true);
    }
  });

  it('Given the stream roots, Then every catalogued subject lies under one of them (the stream carries it)', () => {
    for (const entry of SUBJECTS)
      expect(
        STREAM_ROOTS.some((root) => entry.subject.startsWith(`${root}.`)),
        entry.subject,
      ).toBe(true);
  });

  it('Given the schemas, Then they compile, and a payload that breaks one is refused', () => {
    const ajv = compileAll();
    const paid = {
      event: 'reward.paid',
      rewardId: 'r1',
      tenantId: 't1',
      campaignId: 'c1',
      playerId: 'p1',
      eventId: 'e1',
      amount: '10.50',
      currency: 'USD',
      rewardType: 'CASH',
      quantity: null,
      status: 'PAID',
      walletTransactionId: 'wtx_1',
      occurredAt: '2026-12-04T22:00:00.000Z',
    };
    expect(violation(ajv, `banyan:event/${TOPICS.promotionReward}/v1`, paid)).toBeUndefined();
    expect(violation(ajv, `banyan:event/${TOPICS.promotionReward}/v1`, { ...paid, amount: 10.5 })).toMatch(/amount/);
    expect(violation(ajv, `banyan:event/${TOPICS.promotionReward}/v1`, { ...paid, extra: 1 })).toMatch(/additional/);
    const { walletTransactionId: _, ...unpaid } = paid;
    expect(violation(ajv, `banyan:event/${TOPICS.promotionReward}/v1`, unpaid)).toMatch(/walletTransactionId/);
    expect(violation(ajv, `banyan:event/${WORK.rewardCallback}/v1`, { factId: 'f1', reward: paid })).toBeUndefined();
    expect(
      violation(ajv, `banyan:event/${WORK.rewardCallback}/v1`, { factId: 'f1', reward: { ...paid, event: 'reward.failed', reason: 'x', status: 'FAILED' } }),
    ).toBeDefined();
    expect(violation(ajv, `banyan:event/${WORK.rewardPay}/v1`, { rewardId: 'r1', tenantId: 't1', cause: 'paid' })).toMatch(/cause/);
  });
});

describe(`every message published in the reward and trigger scenarios fits its subject's schema (${USE_NATS ? 'NATS JetStream' : 'in-process bus'})`, () => {
  const env = {
    ...natsEnv(),
    DEMO_DATA: 'false',
    OUTBOX_POLL_MS: '50',
    REWARD_RETRY_BASE_MS: '20',
    REWARD_RETRY_MAX_MS: '50',
    REWARD_SWEEP_MS: '300',
    REWARD_MAX_ATTEMPTS: '2',
    TRIGGER_DEFAULT_TENANT: 'schemas',
  };
  let app: TestApp;
  let call: Caller;
  const captured = new Map<string, Delivery>();
  const callbacks: string[] = [];
  const callbackServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      callbacks.push(body);
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    if (USE_NATS) await requireNats();
    await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
    app = await startTestApp(env);
    // One durable per subject root: together they see everything the stream carries.
    for (const root of STREAM_ROOTS) {
      await app.bus.subscribe(`${root}.>`, async (e) => void captured.set(e.id, e), { durable: `schemas-capture-${root.replace('.', '-')}` });
    }
  });

  afterAll(async () => {
    await app?.destroy();
    await deleteStream(env);
    callbackServer.close();
  });

  const wallet = async (mode: 'ok' | 'fail') => {
    const res = await request(`${app.modules.get('rewards').walletUrl ?? ''}/_control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'wallet', mode }),
    });
    await res.body.dump();
  };
  const seen = (topic: string, event?: string) =>
    [...captured.values()].some((d) => d.topic === topic && (event === undefined || (d.payload as { event?: string } | null)?.event === event));

  it('Given join, reward, payout, callback, failure and retry, triggers and a dead letter, Then every message validates against its schema and carries its schema id', async () => {
    const { key } = await newTenant(app, 'schemas');
    call = as(app, key);
    const { port } = callbackServer.address() as AddressInfo;
    await app.modules.get('tenants').setCallback('schemas', `http://127.0.0.1:${port}/hook`);
    const campaignId = await activeCampaign(call, depositMatch());

    // Join → promotion.event.join.
    expect((await call('POST', `/api/v1/campaigns/${campaignId}/join`, { playerId: 'joiner' })).status).toBeLessThan(300);
    // Event → reward (fact + pay work) → paid (fact + callback work) → callback.
    const ingest = await call<{ rewarded: number }>('POST', '/api/v1/events', { events: [deposit('payee', 40)] });
    expect(ingest.body.data.rewarded).toBe(1);
    await eventually(() => callbacks.length >= 1, 15_000, 'the callback of the paid reward');

    // A failing wallet → reward.failed; a retry → reward.retried (+ pay work) → paid.
    await wallet('fail');
    const failing = await call<{ results: { rewards: { rewardId: string }[] }[] }>('POST', '/api/v1/events', { events: [deposit('unlucky', 40)] });
    const rewardId = failing.body.data.results[0]?.rewards[0]?.rewardId ?? '';
    expect(rewardId).not.toBe('');
    await eventually(async () => (await getReward(app.database.db, 'schemas', rewardId))?.status === 'FAILED', 15_000, 'reward failed');
    await wallet('ok');
    await retryReward(app.database.db, 'schemas', rewardId);
    await eventually(() => callbacks.length >= 2, 15_000, 'the callback of the retried reward');

    // Triggers: both subject forms, and one message nobody can use (→ banyan.dlq.<subject>).
    const publish = (topic: string, payload: unknown) =>
      app.database.db.transaction().execute((trx) => enqueueEvent(trx, { topic, tenantId: null, key: 'trig', payload }));
    await publish('trigger.schemas.user.deposit', {
      eventId: 'trig-1',
      playerId: 'trigger-player',
      occurredAt: new Date().toISOString(),
      data: { amount: 20, currency: 'USD' },
    });
    await publish(TOPICS.triggerUserDeposit, { eventId: 'trig-2', playerId: 'trigger-player', data: { amount: 30, currency: 'USD' } });
    const invalid = await publish('trigger.schemas.user.deposit', ['not', 'an', 'object']);

    await eventually(
      () =>
        seen(TOPICS.promotionJoin) &&
        ['reward.created', 'reward.paid', 'reward.failed', 'reward.retried'].every((e) => seen(TOPICS.promotionReward, e)) &&
        seen(WORK.rewardPay) &&
        seen(WORK.rewardCallback) &&
        seen('trigger.schemas.user.deposit') &&
        seen(TOPICS.triggerUserDeposit) &&
        [...captured.values()].some((d) => d.topic === 'banyan.dlq.trigger.schemas.user.deposit'),
      20_000,
      'a message on every subject of the scenario',
    );
    // The triggered deposits were ingested and paid too (their facts and work are captured below).
    await eventually(
      async () => (await call<{ totalElements: number }>('GET', '/api/v1/players/trigger-player/rewards')).body.data.totalElements === 2,
      15_000,
      'triggered rewards',
    );
    await eventually(() => callbacks.length >= 4, 15_000, 'the callbacks of the triggered rewards');
    await new Promise((r) => setTimeout(r, 300));

    const ajv = compileAll();
    const problems: string[] = [];
    for (const d of captured.values()) {
      if (d.id === invalid) continue; // the outside producer's deliberately broken message
      const entry = subjectEntry(d.topic);
      if (!entry) {
        problems.push(`${d.topic}: not in the catalogue`);
        continue;
      }
      const why = violation(ajv, entry.schema, d.payload);
      if (why) problems.push(`${d.topic} (${entry.schema}): ${why} in ${JSON.stringify(d.payload)}`);
      // Everything here went through the outbox, so everything carries its schema id.
      if (d.headers[SCHEMA_HEADER] !== entry.schema) problems.push(`${d.topic}: ${SCHEMA_HEADER} is ${d.headers[SCHEMA_HEADER]}, expected ${entry.schema}`);
      if (entry.status === 'reserved') problems.push(`${d.topic} is reserved but was published`);
    }
    expect(problems).toEqual([]);
    expect(captured.size).toBeGreaterThanOrEqual(15);

    // Work queues hold only work: one pay item per created or retried reward, one callback item per payment.
    const all = [...captured.values()];
    const count = (topic: string, event?: string) =>
      all.filter((d) => d.topic === topic && (event === undefined || (d.payload as { event?: string }).event === event)).length;
    expect(count(WORK.rewardPay)).toBe(count(TOPICS.promotionReward, 'reward.created') + count(TOPICS.promotionReward, 'reward.retried'));
    expect(count(WORK.rewardCallback)).toBe(count(TOPICS.promotionReward, 'reward.paid'));
  });
});
