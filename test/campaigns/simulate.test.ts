import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { as, depositMatch, newTenant, type Caller } from './helpers.js';

interface Step {
  eventId: string;
  listens: boolean;
  rules: Record<'visibility' | 'participation' | 'eligibility', { result: boolean | null; error?: string }>;
  formula: { amount: string | null; error?: string };
  limits: { outcome: string; rewardCount: number; rewardAmount: string };
  outcome: string;
  reward: { amount: string } | null;
}
interface Result {
  steps: Step[];
  rewarded: number;
  totalAmount: string;
}

const TABLES = ['behaviour_events', 'rewards', 'players', 'player_campaign_stats', 'campaign_participants', 'outbox_events', 'campaigns'] as const;

describe('try before going live: simulate a campaign without writing anything; rules checked at write time', () => {
  let app: TestApp;
  let call: Caller;
  beforeAll(async () => {
    app = await startTestApp();
    call = as(app, (await newTenant(app, 'sim')).key);
  });
  afterAll(async () => app.destroy());

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      const row = await app.database.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      out[t] = Number(row.n);
    }
    return out;
  };

  it('Given a DRAFT campaign with a visibility rule and limits, When events are simulated, Then each rule result, amount and limit outcome — and no row is written', async () => {
    const created = await call<{ id: string }>(
      'POST',
      '/api/v1/campaigns',
      depositMatch({
        visibilityRule: { rule: { '==': [{ var: 'player.vip' }, true] } },
        limits: { maxRewardsPerPlayer: 2, maxAmountPerPlayer: '60' },
      }),
    );
    expect(created.status).toBe(201);
    const before = await counts();
    const res = await call<Result>('POST', `/api/v1/campaigns/${created.body.data.id}/simulate`, {
      player: { id: 'sim-p', attributes: { vip: false } },
      events: [
        { type: 'user.deposit', data: { amount: '80', currency: 'USD' }, occurredAt: '2026-01-01T10:00:00Z' },
        { type: 'user.deposit', data: { amount: 5, currency: 'USD' }, playerAttributes: { vip: true } },
        { type: 'user.deposit', data: { amount: '50.01', currency: 'USD' } },
        { type: 'user.deposit', data: { amount: '20', currency: 'USD' } },
        { type: 'user.deposit', data: { amount: '20', currency: 'EUR' } },
        { type: 'user.login' },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const s = res.body.data.steps;
    expect(s[0]).toMatchObject({
      outcome: 'REWARDED',
      rules: { visibility: { result: false }, participation: { result: null }, eligibility: { result: true } },
      formula: { amount: '40.00' },
      limits: { outcome: 'OK', rewardCount: 1, rewardAmount: '40.00' },
      reward: { amount: '40.00' },
    });
    expect(s[1]).toMatchObject({
      outcome: 'NOT_ELIGIBLE',
      rules: { visibility: { result: true }, eligibility: { result: false } },
      formula: { amount: '2.50' },
      limits: { outcome: 'NOT_CHECKED' },
    });
    // 40 + 25.01 would exceed the 60 amount limit.
    expect(s[2]).toMatchObject({ outcome: 'AMOUNT_LIMIT_REACHED', formula: { amount: '25.01' }, limits: { outcome: 'AMOUNT_LIMIT_REACHED', rewardCount: 1 } });
    expect(s[3]).toMatchObject({ outcome: 'REWARDED', limits: { rewardCount: 2, rewardAmount: '50.00' } });
    expect(s[4]?.outcome).toBe('CURRENCY_MISMATCH');
    expect(s[5]).toMatchObject({ outcome: 'NOT_LISTENING', listens: false });
    expect(res.body.data).toMatchObject({ rewarded: 2, totalAmount: '50.00' });
    expect(await counts()).toEqual(before);
  });

  it('Given a player already at the count limit, When simulated, Then LIMIT_REACHED; a cooldown is measured on occurredAt', async () => {
    const created = await call<{ id: string }>('POST', '/api/v1/campaigns', depositMatch({ limits: { maxRewardsPerPlayer: 3, cooldownSeconds: 3600 } }));
    const at = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00Z`;
    const res = await call<Result>('POST', `/api/v1/campaigns/${created.body.data.id}/simulate`, {
      player: { rewardCount: 1, lastRewardAt: at(9) },
      events: [20, 20, 20, 20].map((amount, i) => ({ type: 'user.deposit', data: { amount }, occurredAt: at([9, 10, 10, 12][i] ?? 0) })),
    });
    expect(res.body.data.steps.map((x) => x.outcome)).toEqual(['COOLDOWN', 'REWARDED', 'COOLDOWN', 'REWARDED']);
    const full = await call<Result>('POST', `/api/v1/campaigns/${created.body.data.id}/simulate`, {
      player: { rewardCount: 3 },
      events: [{ type: 'user.deposit', data: { amount: 20 } }],
    });
    expect(full.body.data.steps[0]?.outcome).toBe('LIMIT_REACHED');
  });

  it('Given an unsaved campaign body, When POST /campaigns/simulate, Then it runs (participation rule: NOT_JOINED unless joined) and nothing is stored', async () => {
    const before = await counts();
    const body = depositMatch({
      participationRule: { language: 'spel', rule: "player['country'] == 'TW'" },
      rewardType: 'POINTS',
      rewardFormula: { rule: { '*': [{ var: 'event.amount' }, 1.5] } },
    });
    const res = await call<Result>('POST', '/api/v1/campaigns/simulate', {
      campaign: body,
      player: { attributes: { country: 'TW' } },
      events: [{ type: 'user.deposit', data: { amount: '33' } }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.steps[0]).toMatchObject({ outcome: 'NOT_JOINED', rules: { participation: { result: true } }, formula: { amount: '50' } });
    const joined = await call<Result>('POST', '/api/v1/campaigns/simulate', {
      campaign: body,
      player: { joined: true },
      events: [{ type: 'user.deposit', data: { amount: '33' } }],
    });
    expect(joined.body.data.steps[0]).toMatchObject({ outcome: 'REWARDED', reward: { amount: '50' } });
    expect(await counts()).toEqual(before);
  });

  it('Given a rule reading event.amout, When the campaign is created, PUT or simulated unsaved, Then 400 naming the variable with a "did you mean event.amount" hint', async () => {
    const typo = depositMatch({ eligibilityRule: { rule: { '>=': [{ var: 'event.amout' }, 10] } } });
    const res = await call('POST', '/api/v1/campaigns', typo);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        field: 'eligibilityRule',
        code: 'UNKNOWN_VARIABLE',
        message: 'eligibilityRule reads event.amout: events have no field amout; did you mean event.amount?',
      },
    ]);
    const spel = await call('POST', '/api/v1/campaigns', depositMatch({ rewardFormula: { language: 'spel', rule: 'event.data.amount * 0.1' } }));
    expect(spel.body.errors?.[0]?.message).toContain('did you mean event.amount?');
    const sim = await call('POST', '/api/v1/campaigns/simulate', { campaign: typo, events: [{ type: 'user.deposit' }] });
    expect(sim.status).toBe(400);
    expect(sim.body.errors?.[0]?.message).toContain('event.amout');
    const ok = await call<{ id: string }>('POST', '/api/v1/campaigns', depositMatch({ eligibilityRule: { rule: { '>=': [{ var: 'event.level' }, 3] } } }));
    expect(ok.status, 'a custom event field that is no near miss is allowed').toBe(201);
    const put = await call('PUT', `/api/v1/campaigns/${ok.body.data.id}`, {
      ...typo,
      visibilityRule: { rule: { '==': [{ var: 'campaign.curency' }, 'USD'] } },
    });
    expect(put.status).toBe(400);
    expect(put.body.errors?.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringContaining('did you mean campaign.currency?')]));
  });

  it('Given another tenant’s campaign id, When simulated, Then 404', async () => {
    const created = await call<{ id: string }>('POST', '/api/v1/campaigns', depositMatch());
    const other = as(app, (await newTenant(app, 'sim-other')).key);
    expect((await other('POST', `/api/v1/campaigns/${created.body.data.id}/simulate`, { events: [{ type: 'user.deposit' }] })).status).toBe(404);
  });
});
