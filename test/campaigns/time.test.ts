import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/platform/events/bus.js';
import { dbTimeMs, dbToIso } from '../../src/platform/time.js';
import { startTestApp, type TestApp, AS_ADMIN } from '../helpers/app.js';
import { natsEnv, deleteStream } from '../helpers/nats.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller } from './helpers.js';

/** ISO 8601, UTC, milliseconds, `Z`: the one format of timestamps in tenant data. */
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('time: every timestamp in tenant data is ISO 8601 UTC with Z, on every database', () => {
  const env = natsEnv();
  let app: TestApp;
  let call: Caller;
  beforeAll(async () => {
    app = await startTestApp(env);
    call = as(app, (await newTenant(app, 'time-t')).key);
  });
  afterAll(async () => {
    await app.destroy();
    await deleteStream(env);
  });

  it('Given startsAt sent as …Z without milliseconds, When the campaign is read back, Then startsAt is the same instant with Z and .000', async () => {
    const created = await call<{ id: string; startsAt: string; endsAt: string; createdAt: string; updatedAt: string }>(
      'POST',
      '/api/v1/campaigns',
      depositMatch({ startsAt: '2026-12-04T19:00:00Z', endsAt: '2026-12-05T05:00:00+08:00' }),
    );
    expect(created.status).toBe(201);
    const read = await call<{ startsAt: string; endsAt: string; createdAt: string; updatedAt: string }>('GET', `/api/v1/campaigns/${created.body.data.id}`);
    expect(read.body.data.startsAt).toBe('2026-12-04T19:00:00.000Z');
    // An offset is converted to UTC, not dropped.
    expect(read.body.data.endsAt).toBe('2026-12-04T21:00:00.000Z');
    expect(read.body.data.createdAt).toMatch(ISO_Z);
    expect(read.body.data.updatedAt).toMatch(ISO_Z);
  });

  it('Given a reward, its event and its player, When they are read, Then every timestamp ends in Z', async () => {
    await activeCampaign(call, depositMatch());
    const ev = { ...deposit('time-p1', 40), occurredAt: '2026-01-15T10:30:00+01:00' };
    const res = await call<{ results: { outcome: string }[] }>('POST', '/api/v1/events', { events: [ev] });
    expect(res.body.data.results[0]?.outcome).toBe('REWARDED');
    const event = await call<{ occurredAt: string; receivedAt: string }>('GET', `/api/v1/events/${ev.eventId}`);
    expect(event.body.data.occurredAt).toBe('2026-01-15T09:30:00.000Z');
    expect(event.body.data.receivedAt).toMatch(ISO_Z);
    const rewards = await call<{ content: { createdAt: string; updatedAt: string }[] }>('GET', '/api/v1/rewards?playerId=time-p1');
    expect(rewards.body.data.content[0]?.createdAt).toMatch(ISO_Z);
    expect(rewards.body.data.content[0]?.updatedAt).toMatch(ISO_Z);
    const player = await call<{ createdAt: string; updatedAt: string }>('GET', '/api/v1/players/time-p1');
    expect(player.body.data.createdAt).toMatch(ISO_Z);
    expect(player.body.data.updatedAt).toMatch(ISO_Z);
  });

  it('Given a tenant and its API key, When staff read them, Then createdAt ends in Z', async () => {
    const t = await app.app.inject({ method: 'GET', url: '/api/v1/admin/tenants/time-t', headers: AS_ADMIN });
    expect(t.json<{ data: { createdAt: string } }>().data.createdAt).toMatch(ISO_Z);
    const keys = await app.app.inject({ method: 'GET', url: '/api/v1/admin/tenants/time-t/api-keys', headers: AS_ADMIN });
    expect(keys.json<{ data: { createdAt: string }[] }>().data[0]?.createdAt).toMatch(ISO_Z);
  });

  it('Given an outbox event published on the bus, When a consumer receives it, Then createdAt (the Banyan-Created-At header on NATS) is ISO 8601 with Z', async () => {
    const seen: Delivery[] = [];
    const sub = await app.bus.subscribe('promotion.event.join', async (e) => void seen.push(e), { durable: `time-${process.pid}` });
    const id = await activeCampaign(call, depositMatch({ name: 'joinable' }));
    const joined = await call('POST', `/api/v1/campaigns/${id}/join`, { playerId: 'time-p2' });
    expect(joined.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (!seen.some((e) => (e.payload as { playerId?: string }).playerId === 'time-p2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await sub.stop();
    const delivery = seen.find((e) => (e.payload as { playerId?: string }).playerId === 'time-p2');
    expect(delivery?.createdAt).toMatch(ISO_Z);
    expect((delivery?.payload as { joinedAt: string }).joinedAt).toMatch(ISO_Z);
  });
});

describe('time: the database text → ISO helper', () => {
  it('Given PostgreSQL-style text without or with short fractions and SQLite-style text, Then the same instant in the same form', () => {
    expect(dbToIso('2026-12-04 19:00:00')).toBe('2026-12-04T19:00:00.000Z');
    expect(dbToIso('2026-12-04 19:00:00.5')).toBe('2026-12-04T19:00:00.500Z');
    expect(dbToIso('2026-12-04 19:00:00.000')).toBe('2026-12-04T19:00:00.000Z');
    expect(dbToIso(new Date(Date.UTC(2026, 11, 4, 19)))).toBe('2026-12-04T19:00:00.000Z');
    expect(dbToIso(null)).toBeNull();
    expect(dbTimeMs('2026-12-04 19:00:00.5')).toBe(Date.UTC(2026, 11, 4, 19, 0, 0, 500));
  });
});
