import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvents } from '../../src/events/events.service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller } from './helpers.js';

interface Ingest {
  received: number;
  processed: number;
  duplicates: number;
  rewarded: number;
  results: { eventId: string; outcome: string; rewards: { campaignId: string; amount: string }[]; campaigns: { campaignId: string; outcome: string }[] }[];
}

describe('events, limits, joins and exclusivity', () => {
  let app: TestApp;
  let call: Caller;
  let key: string;
  let n = 0;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await newTenant(app, 'ev')).key;
    call = as(app, key);
  });
  afterAll(async () => app.destroy());

  /** Each test uses its own event type so campaigns of other tests do not interfere. */
  const ownType = () => `user.deposit_${++n}`;
  const send = (events: unknown[]) => call<Ingest>('POST', '/api/v1/events', { events });

  it('Given a batch sent twice, When re-sent, Then every event is reported DUPLICATE and nothing is paid again', async () => {
    const type = ownType();
    await activeCampaign(call, depositMatch({ eventTypes: [type] }));
    const batch = [1, 2, 3].map((i) => ({ ...deposit(`dup-${i}`, 40), type }));
    const first = await send(batch);
    expect(first.body.data).toMatchObject({ received: 3, processed: 3, duplicates: 0, rewarded: 3 });
    const again = await send([...batch, batch[0]]);
    expect(again.body.data).toMatchObject({ received: 4, processed: 0, duplicates: 4, rewarded: 0 });
    expect(again.body.data.results.every((r) => r.outcome === 'DUPLICATE')).toBe(true);
    const rewards = await call<{ totalElements: number }>('GET', '/api/v1/players/dup-1/rewards');
    expect(rewards.body.data.totalElements).toBe(1);
  });

  it('Given max 5 rewards per player, When 20 events for one player arrive concurrently, Then exactly 5 are REWARDED and 15 LIMIT_REACHED', async () => {
    const type = ownType();
    const id = await activeCampaign(call, depositMatch({ eventTypes: [type], limits: { maxRewardsPerPlayer: 5 } }));
    const results = await Promise.all(Array.from({ length: 20 }, () => send([{ ...deposit('busy', 20), type }])));
    const outcomes = results.map((r) => r.body.data.results[0]?.outcome);
    expect(outcomes.filter((o) => o === 'REWARDED')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'LIMIT_REACHED')).toHaveLength(15);
    const rewards = await call<{ content: { campaignId: string }[] }>('GET', '/api/v1/rewards?playerId=busy&size=100');
    expect(rewards.body.data.content.filter((r) => r.campaignId === id)).toHaveLength(5);
  });

  it('Given a 100.00 total cap, When 12 concurrent deposits each earn 10.00, Then exactly 10 are paid and the rest AMOUNT_LIMIT_REACHED', async () => {
    const type = ownType();
    await activeCampaign(call, depositMatch({ eventTypes: [type], limits: { maxAmountPerPlayer: '100.00' } }));
    const results = await Promise.all(Array.from({ length: 12 }, () => send([{ ...deposit('capped', 20), type }])));
    const outcomes = results.map((r) => r.body.data.results[0]?.outcome);
    expect(outcomes.filter((o) => o === 'REWARDED')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'AMOUNT_LIMIT_REACHED')).toHaveLength(2);
  });

  it('Given a one-hour cooldown, When a player deposits twice (also concurrently), Then one reward and COOLDOWN; another player is unaffected', async () => {
    const type = ownType();
    await activeCampaign(call, depositMatch({ eventTypes: [type], limits: { cooldownSeconds: 3600 } }));
    const results = await Promise.all([1, 2, 3].map(() => send([{ ...deposit('cool', 20), type }])));
    const outcomes = results.map((r) => r.body.data.results[0]?.outcome).sort();
    expect(outcomes).toEqual(['COOLDOWN', 'COOLDOWN', 'REWARDED']);
    expect((await send([{ ...deposit('other', 20), type }])).body.data.results[0]?.outcome).toBe('REWARDED');
  });

  it('Given two campaigns in one exclusivity group and one outside, When an event matches all, Then only the higher-priority group member and the outsider pay', async () => {
    const type = ownType();
    const low = await activeCampaign(call, depositMatch({ eventTypes: [type], priority: 1, exclusivityGroup: 'welcome' }));
    const high = await activeCampaign(call, depositMatch({ eventTypes: [type], priority: 9, exclusivityGroup: 'welcome', rewardFormula: { rule: 5 } }));
    const free = await activeCampaign(call, depositMatch({ eventTypes: [type], priority: 0, rewardFormula: { rule: 1 } }));
    const res = await send([{ ...deposit('excl', 30), type }]);
    const r = res.body.data.results[0];
    expect(r?.rewards.map((x) => x.campaignId).sort()).toEqual([high, free].sort());
    expect(r?.campaigns.find((c) => c.campaignId === low)?.outcome).toBe('EXCLUDED');
  });

  it('Given the higher-priority group member has reached its limit, When another event arrives, Then the next campaign in the group pays', async () => {
    const type = ownType();
    const low = await activeCampaign(call, depositMatch({ eventTypes: [type], priority: 1, exclusivityGroup: 'g2' }));
    const high = await activeCampaign(call, depositMatch({ eventTypes: [type], priority: 9, exclusivityGroup: 'g2', limits: { maxRewardsPerPlayer: 1 } }));
    const first = await send([{ ...deposit('fall', 30), type }]);
    expect(first.body.data.results[0]?.rewards.map((x) => x.campaignId)).toEqual([high]);
    const second = await send([{ ...deposit('fall', 30), type }]);
    expect(second.body.data.results[0]?.rewards.map((x) => x.campaignId)).toEqual([low]);
  });

  it('Given a campaign with a participation rule, When a player has not joined, Then NOT_JOINED; join is idempotent and checks the rule', async () => {
    const type = ownType();
    const id = await activeCampaign(call, depositMatch({ eventTypes: [type], participationRule: { rule: { '>=': [{ var: 'player.vipLevel' }, 3] } } }));
    expect((await send([{ ...deposit('vip', 20), type }])).body.data.results[0]?.outcome).toBe('NOT_JOINED');
    const refused = await call('POST', `/api/v1/campaigns/${id}/join`, { playerId: 'vip' });
    expect(refused.status).toBe(422);
    await call('PUT', '/api/v1/players/vip', { attributes: { vipLevel: 4 } });
    const joined = await call<{ alreadyJoined: boolean }>('POST', `/api/v1/campaigns/${id}/join`, { playerId: 'vip' });
    expect(joined.body.data.alreadyJoined).toBe(false);
    const twice = await Promise.all([1, 2].map(() => call<{ alreadyJoined: boolean }>('POST', `/api/v1/campaigns/${id}/join`, { playerId: 'vip' })));
    expect(twice.map((r) => r.body.data.alreadyJoined)).toEqual([true, true]);
    const joins = await app.database.db.selectFrom('outbox_events').select('payload').where('topic', '=', 'promotion.event.join').execute();
    expect(joins.filter((j) => JSON.stringify(j.payload).includes(id))).toHaveLength(1);
    expect((await send([{ ...deposit('vip', 20), type }])).body.data.results[0]?.outcome).toBe('REWARDED');
  });

  it('Given visibility rules, When a player lists campaigns, Then only visible live campaigns appear, with join flags', async () => {
    const type = ownType();
    const hidden = await activeCampaign(call, depositMatch({ eventTypes: [type], visibilityRule: { rule: { '==': [{ var: 'player.country' }, 'TW'] } } }));
    await call('PUT', '/api/v1/players/seer', { attributes: { country: 'HK' } });
    const list = async () => (await call<{ campaign: { id: string } }[]>('GET', '/api/v1/players/seer/campaigns')).body.data.map((c) => c.campaign.id);
    expect(await list()).not.toContain(hidden);
    await call('PUT', '/api/v1/players/seer', { attributes: { country: 'TW' } });
    expect(await list()).toContain(hidden);
  });

  it('Given events with no live campaign, a currency mismatch or a failing formula, Then NO_ACTIVE_CAMPAIGN, CURRENCY_MISMATCH and RULE_ERROR', async () => {
    expect((await send([{ ...deposit('x', 20), type: 'user.nothing_listens' }])).body.data.results[0]?.outcome).toBe('NO_ACTIVE_CAMPAIGN');
    const type = ownType();
    await activeCampaign(call, depositMatch({ eventTypes: [type], rewardFormula: { rule: { '*': [{ var: 'event.bonusBase' }, 2] } } }));
    expect((await send([{ ...deposit('x', 20, { currency: 'EUR' }), type }])).body.data.results[0]?.outcome).toBe('CURRENCY_MISMATCH');
    expect((await send([{ ...deposit('x', 20, { bonusBase: 'abc' }), type }])).body.data.results[0]?.outcome).toBe('RULE_ERROR');
  });

  it('Given bad batches, When posted, Then 400 envelopes naming the field (never 500); > 500 events rejected', async () => {
    const bad = await send([{ ...deposit('x', 20), occurredAt: 'yesterday' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.field).toContain('occurredAt');
    expect((await send([])).status).toBe(400);
    expect((await send(Array.from({ length: 501 }, () => deposit('x', 1)))).status).toBe(400);
    expect((await send([{ ...deposit('x', 20), data: { amount: 'lots' } }])).status).toBe(400);
    expect((await call('POST', '/api/v1/events', { events: 'nope' })).status).toBe(400);
  });

  it('Given the NATS consumer path, When ingestEvents gets invalid and valid events, Then it reports INVALID_EVENT and processes the rest', async () => {
    const type = ownType();
    await activeCampaign(call, depositMatch({ eventTypes: [type] }));
    const result = await ingestEvents(app.modules.get('events'), 'ev', [{ eventId: 'broken' }, { ...deposit('nats', 100), type }]);
    expect(result.results.map((r) => r.outcome)).toEqual(['INVALID_EVENT', 'REWARDED']);
    expect(result.results[1]?.rewards[0]?.amount).toBe('50.00');
  });
});
