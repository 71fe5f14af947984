/**
 * The whole path in a running app: trigger.<tenant>.user.* → ingestion, bad messages → the
 * dead-letter table and API (issue 11 "Bad bus input is visible"), TRIGGER_DEFAULT_TENANT for the
 * seed's un-namespaced subject (issue 10 item 16).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueEvent } from '../../src/platform/outbox/outbox.js';
import { AS_ADMIN, AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';
import { deleteStream, eventually, natsEnv, USE_NATS } from '../helpers/nats.js';
import { as, newTenant, type Caller } from '../campaigns/helpers.js';

interface DeadLetter {
  messageId: string;
  topic: string;
  reasonCode: string;
  reason: string;
  tenantId: string | null;
}

describe(`dead letters and tenant-bound subjects in the app (${DB_KIND}, ${USE_NATS ? 'NATS' : 'in-process'})`, () => {
  let t: TestApp;
  let env: Record<string, string>;
  let call: Caller;
  beforeAll(async () => {
    env = natsEnv();
    t = await startTestApp({ ...env, TRIGGER_DEFAULT_TENANT: 'dl-solo' });
    call = as(t, (await newTenant(t, 'dl-solo')).key);
  });
  afterAll(async () => {
    await t?.destroy();
    await deleteStream(env);
  });

  const publish = (topic: string, payload: unknown, tenantId: string | null = null) =>
    t.database.db.transaction().execute((trx) => enqueueEvent(trx, { topic, tenantId, key: 'k', payload }));
  const list = async (query = '') =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/admin/dead-letters${query}`, headers: AS_ADMIN })).json().data as {
      content: DeadLetter[];
      totalElements: number;
      page: number;
      size: number;
    };
  const deadFor = async (messageId: string) => {
    await eventually(async () => (await list('?size=500')).content.some((d) => d.messageId === messageId), 15_000, `dead letter ${messageId}`);
    return (await list('?size=500')).content.find((d) => d.messageId === messageId);
  };
  const stored = (eventId: string) => eventually(async () => (await call('GET', `/api/v1/events/${eventId}`)).status === 200, 15_000, `event ${eventId}`);

  it('Given trigger.<tenant>.user.deposit, When published, Then the event is ingested for that tenant', async () => {
    await publish('trigger.dl-solo.user.deposit', { eventId: 'dl-ok', playerId: 'p1', data: { amount: '10.00', currency: 'USD' } });
    await stored('dl-ok');
  });

  it("Given TRIGGER_DEFAULT_TENANT, When the seed's trigger.user.deposit is published, Then it belongs to the default tenant", async () => {
    await publish('trigger.user.deposit', { eventId: 'dl-legacy', playerId: 'p1' });
    await stored('dl-legacy');
  });

  it("Given the seed's subject with a body naming another tenant, When published, Then dead-lettered TENANT_MISMATCH", async () => {
    const id = await publish('trigger.user.deposit', { eventId: 'dl-legacy-other', tenantId: 'victim', playerId: 'p1' });
    expect(await deadFor(id)).toMatchObject({ reasonCode: 'TENANT_MISMATCH', topic: 'trigger.user.deposit' });
  });

  it('Given an event ingestion refuses (playerId a number), When published, Then dead-lettered INVALID_EVENT with the reason, not stored as an event', async () => {
    const id = await publish('trigger.dl-solo.user.deposit', { eventId: 'dl-bad', playerId: 42 });
    expect(await deadFor(id)).toMatchObject({ reasonCode: 'INVALID_EVENT', tenantId: 'dl-solo' });
    expect((await call('GET', '/api/v1/events/dl-bad')).status).toBe(404);
  });

  it('Given a subject naming a tenant that does not exist, When published, Then dead-lettered UNKNOWN_TENANT (not redelivered on a foreign-key error)', async () => {
    const id = await publish('trigger.nosuch.user.deposit', { eventId: 'dl-nosuch', playerId: 'p1' });
    expect(await deadFor(id)).toMatchObject({ reasonCode: 'UNKNOWN_TENANT', tenantId: 'nosuch' });
  });

  it('Given dead letters, When an ADMIN lists them with paging and a filter, Then they come newest first; a MANAGER is refused', async () => {
    const all = await list('?size=500');
    expect(all.totalElements).toBeGreaterThanOrEqual(3);
    const page = await list('?page=0&size=2');
    expect(page).toMatchObject({ page: 0, size: 2 });
    expect(page.content).toHaveLength(2);
    const filtered = await list('?reasonCode=UNKNOWN_TENANT');
    expect(filtered.content.every((d) => d.reasonCode === 'UNKNOWN_TENANT')).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/dead-letters', headers: AS_MANAGER })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/dead-letters?reasonCode=bad%20code', headers: AS_ADMIN })).statusCode).toBe(400);
  });

  it('Given dead letters, When Prometheus scrapes /actuator/prometheus, Then banyan_dead_letters_total counts them by reason', async () => {
    const metrics = (await t.app.inject({ method: 'GET', url: '/actuator/prometheus' })).body;
    expect(metrics).toMatch(/banyan_dead_letters_total\{[^}]*reason="UNKNOWN_TENANT"[^}]*\} [1-9]/);
  });
});
