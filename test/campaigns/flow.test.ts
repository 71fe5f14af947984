import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../src/demo/campaigns.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller } from './helpers.js';

describe('campaign flow: deposit → reward', () => {
  let app: TestApp;
  let call: Caller;
  beforeAll(async () => {
    app = await startTestApp();
    call = as(app, (await newTenant(app, 'flow')).key);
  });
  afterAll(async () => app.destroy());

  it('Given an active deposit-match campaign, When a player deposits 80, Then a 40.00 BONUS reward is created with reason REWARDED', async () => {
    const id = await activeCampaign(call, depositMatch());
    const res = await call<{ results: { outcome: string; rewards: { amount: string; campaignId: string }[] }[] }>('POST', '/api/v1/events', {
      events: [deposit('p1', 80)],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.results[0]?.outcome).toBe('REWARDED');
    expect(res.body.data.results[0]?.rewards).toEqual([expect.objectContaining({ campaignId: id, amount: '40.00' })]);
    const rewards = await call<{ content: { amount: string; status: string }[] }>('GET', '/api/v1/players/p1/rewards');
    expect(rewards.body.data.content).toHaveLength(1);
    // The worker runs in the same process (role all): the reward goes on to be paid by the wallet.
    const deadline = Date.now() + 10_000;
    let status = rewards.body.data.content[0]?.status;
    while (status !== 'PAID' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await call<{ content: { status: string }[] }>('GET', '/api/v1/players/p1/rewards')).body.data.content[0]?.status;
    }
    expect(status).toBe('PAID');
  });

  it('Given a deposit below the minimum, When it arrives, Then the outcome is NOT_ELIGIBLE', async () => {
    const res = await call<{ results: { outcome: string }[] }>('POST', '/api/v1/events', { events: [deposit('p2', 5)] });
    expect(res.body.data.results[0]?.outcome).toBe('NOT_ELIGIBLE');
  });

  it('Given the demo tenant, When its published key is used, Then two running campaigns are listed', async () => {
    const demo = as(app, DEMO_API_KEY);
    const res = await demo<{ content: { effectiveStatus: string; templateId: string }[] }>('GET', '/api/v1/campaigns');
    expect(res.status).toBe(200);
    expect(res.body.data.content.map((c) => c.templateId).sort()).toEqual(['deposit-match', 'first-deposit-bonus']);
    expect(res.body.data.content.every((c) => c.effectiveStatus === 'ACTIVE')).toBe(true);
    const first = await demo<{ results: { rewards: { amount: string }[] }[] }>('POST', '/api/v1/events', { events: [deposit('demo-p', 100)] });
    // Same exclusivity group "deposit": only the first-deposit bonus (priority 100) pays.
    expect(first.body.data.results[0]?.rewards.map((r) => r.amount)).toEqual(['20.00']);
  });
});
