import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller } from './helpers.js';

describe('tenant isolation', () => {
  let app: TestApp;
  let a: Caller;
  let b: Caller;
  let campaignId: string;
  let rewardId: string;
  let eventId: string;
  beforeAll(async () => {
    app = await startTestApp();
    a = as(app, (await newTenant(app, 'tenant-a')).key);
    b = as(app, (await newTenant(app, 'tenant-b')).key);
    campaignId = await activeCampaign(a, depositMatch());
    await a('PUT', '/api/v1/players/shared-player', { attributes: { vip: true } });
    await a('POST', '/api/v1/templates', { id: 'a-only', name: 'A only', parametersSchema: { type: 'object', properties: {} }, campaign: depositMatch() });
    const ev = deposit('shared-player', 50);
    eventId = ev.eventId;
    const res = await a<{ results: { rewards: { rewardId: string }[] }[] }>('POST', '/api/v1/events', { events: [ev] });
    rewardId = res.body.data.results[0]?.rewards[0]?.rewardId ?? '';
    expect(rewardId).not.toBe('');
  });
  afterAll(async () => app.destroy());

  it('Given tenant A’s campaign, When tenant B reads, changes, transitions, joins or deletes it, Then 404 every time and A’s campaign is unchanged', async () => {
    for (const [method, url, body] of [
      ['GET', `/api/v1/campaigns/${campaignId}`, undefined],
      ['PUT', `/api/v1/campaigns/${campaignId}`, depositMatch({ name: 'hijacked' })],
      ['POST', `/api/v1/campaigns/${campaignId}/transitions`, { to: 'PAUSED' }],
      ['POST', `/api/v1/campaigns/${campaignId}/join`, { playerId: 'shared-player' }],
      ['DELETE', `/api/v1/campaigns/${campaignId}`, undefined],
    ] as const) {
      const res = await b(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.errorCode).toBe('RESOURCE_NOT_FOUND');
    }
    expect((await b<{ totalElements: number }>('GET', '/api/v1/campaigns')).body.data.totalElements).toBe(0);
    const mine = await a<{ name: string; status: string }>('GET', `/api/v1/campaigns/${campaignId}`);
    expect(mine.body.data).toMatchObject({ name: 'Deposit match', status: 'ACTIVE' });
  });

  it('Given tenant A’s templates, players, rewards and events, When tenant B asks for them by id, Then 404 (or empty lists)', async () => {
    expect((await b('GET', '/api/v1/templates/a-only')).status).toBe(404);
    expect((await b('POST', '/api/v1/campaigns/from-template', { templateId: 'a-only', parameters: {} })).status).toBe(404);
    expect((await b('DELETE', '/api/v1/templates/a-only')).status).toBe(404);
    expect((await b<{ id: string }[]>('GET', '/api/v1/templates')).body.data.map((t) => t.id)).not.toContain('a-only');
    expect((await b('GET', '/api/v1/players/shared-player')).status).toBe(404);
    expect((await b('GET', `/api/v1/rewards/${rewardId}`)).status).toBe(404);
    expect((await b('POST', `/api/v1/rewards/${rewardId}/retry`)).status).toBe(404);
    expect((await b('GET', `/api/v1/events/${eventId}`)).status).toBe(404);
    expect((await b<{ content: unknown[] }>('GET', '/api/v1/players/shared-player/rewards')).body.data.content).toEqual([]);
    expect((await b<{ content: unknown[] }>('GET', '/api/v1/rewards')).body.data.content).toEqual([]);
    expect((await b<unknown[]>('GET', '/api/v1/players/shared-player/campaigns')).body.data).toEqual([]);
    // …while A sees all of them.
    expect((await a('GET', `/api/v1/rewards/${rewardId}`)).status).toBe(200);
    expect((await a('GET', `/api/v1/events/${eventId}`)).status).toBe(200);
    expect((await a('GET', '/api/v1/players/shared-player')).status).toBe(200);
  });

  it('Given the same eventId and playerId in two tenants, When both send it, Then each tenant processes its own (idempotency is per tenant)', async () => {
    await activeCampaign(b, depositMatch());
    const ev = deposit('shared-player', 20);
    const ra = await a<{ results: { outcome: string }[] }>('POST', '/api/v1/events', { events: [ev] });
    const rb = await b<{ results: { outcome: string }[] }>('POST', '/api/v1/events', { events: [ev] });
    expect(ra.body.data.results[0]?.outcome).toBe('REWARDED');
    expect(rb.body.data.results[0]?.outcome).toBe('REWARDED');
    const rewardsB = await b<{ content: { amount: string }[] }>('GET', '/api/v1/players/shared-player/rewards');
    expect(rewardsB.body.data.content.map((r) => Number(r.amount))).toEqual([10]);
  });
});
