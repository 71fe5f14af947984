import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { as, depositMatch, newTenant, type Caller } from './helpers.js';

describe('templates', () => {
  let app: TestApp;
  let call: Caller;
  beforeAll(async () => {
    app = await startTestApp();
    call = as(app, (await newTenant(app, 'tpl')).key);
  });
  afterAll(async () => app.destroy());

  const activateAndSend = async (campaignId: string, event: Record<string, unknown>) => {
    expect((await call('POST', `/api/v1/campaigns/${campaignId}/transitions`, { to: 'ACTIVE' })).status).toBe(200);
    const res = await call<{ results: { rewards: { campaignId: string; amount: string }[] }[] }>('POST', '/api/v1/events', {
      events: [{ eventId: `t-${campaignId}`, playerId: 'tp', occurredAt: new Date().toISOString(), ...event }],
    });
    return res.body.data.results[0]?.rewards.find((r) => r.campaignId === campaignId)?.amount;
  };

  it('Given the four built-ins, When listed, Then each has a parameters schema', async () => {
    const res = await call<{ id: string; builtIn: boolean }[]>('GET', '/api/v1/templates');
    expect(res.body.data.filter((t) => t.builtIn).map((t) => t.id)).toEqual(['first-deposit-bonus', 'deposit-match', 'cashback', 'login-streak']);
  });

  it('Given bad parameters, When creating from deposit-match, Then 400 with every field error under parameters.', async () => {
    const res = await call('POST', '/api/v1/campaigns/from-template', { templateId: 'deposit-match', parameters: { matchPercent: 900, currency: 'dollars' } });
    expect(res.status).toBe(400);
    const fields = res.body.errors?.map((e) => e.field) ?? [];
    expect(fields).toEqual(expect.arrayContaining(['parameters.matchPercent', 'parameters.maxBonus', 'parameters.currency']));
    expect((await call('POST', '/api/v1/campaigns/from-template', { templateId: 'nope', parameters: {} })).status).toBe(404);
  });

  it('Given each built-in with valid parameters, When instantiated and fed its event, Then it pays the expected amount', async () => {
    const make = async (templateId: string, parameters: Record<string, unknown>) => {
      const res = await call<{ id: string; templateId: string; status: string }>('POST', '/api/v1/campaigns/from-template', {
        templateId,
        parameters,
        overrides: { exclusivityGroup: null },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.data).toMatchObject({ templateId, status: 'DRAFT' });
      return res.body.data.id;
    };
    expect(
      await activateAndSend(await make('deposit-match', { matchPercent: 25, maxBonus: 30 }), {
        type: 'user.deposit',
        data: { amount: '99.99', currency: 'USD' },
      }),
    ).toBe('25.00');
    expect(await activateAndSend(await make('first-deposit-bonus', { bonusAmount: 15 }), { type: 'user.deposit', data: { amount: 50 } })).toBe('15.00');
    expect(await activateAndSend(await make('cashback', { cashbackPercent: 10 }), { type: 'user.bet', data: { amount: 100, winAmount: 40 } })).toBe('6.00');
    expect(await activateAndSend(await make('login-streak', { rewardAmount: 50, streakDays: 5 }), { type: 'user.login', data: { streakDays: 5 } })).toBe('50');
  });

  it('Given a tenant template, When created with an undeclared placeholder, Then 400 naming the path; when valid, Then usable with field errors', async () => {
    const bad = await call('POST', '/api/v1/templates', {
      id: 'vip-reload',
      name: 'VIP reload',
      parametersSchema: { type: 'object', properties: {} },
      campaign: depositMatch({ rewardFormula: { rule: { $param: 'amount' } } }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.field).toBe('campaign.rewardFormula.rule');
    const schema = {
      type: 'object',
      required: ['amount'],
      additionalProperties: false,
      properties: { amount: { type: 'number', minimum: 1 }, startsOn: { type: 'string', format: 'date-time' } },
    };
    const good = await call('POST', '/api/v1/templates', {
      id: 'vip-reload',
      name: 'VIP reload',
      parametersSchema: schema,
      campaign: depositMatch({ rewardFormula: { rule: { $param: 'amount' } } }),
    });
    expect(good.status).toBe(201);
    const invalid = await call('POST', '/api/v1/campaigns/from-template', { templateId: 'vip-reload', parameters: { amount: 0, startsOn: 'soon', extra: 1 } });
    expect(invalid.body.errors?.map((e) => e.field).sort()).toEqual(['parameters.amount', 'parameters.extra', 'parameters.startsOn']);
    const ok = await call<{ id: string; rewardFormula: { rule: unknown } }>('POST', '/api/v1/campaigns/from-template', {
      templateId: 'vip-reload',
      parameters: { amount: 7 },
    });
    expect(ok.body.data.rewardFormula.rule).toBe(7);
    expect((await call('POST', '/api/v1/templates', { id: 'deposit-match', name: 'x', parametersSchema: {}, campaign: {} })).status).toBe(409);
    expect((await call('POST', '/api/v1/templates', { id: 'broken-schema', name: 'x', parametersSchema: { type: 'wibble' }, campaign: {} })).status).toBe(400);
  });
});
