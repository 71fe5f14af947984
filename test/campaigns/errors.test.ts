import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldErrors } from '../../src/platform/http/validation.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller } from './helpers.js';

describe('errors that say what is expected (one Ajv-error mapper); decimal strings wherever amounts are', () => {
  let app: TestApp;
  let call: Caller;
  beforeAll(async () => {
    app = await startTestApp();
    call = as(app, (await newTenant(app, 'errs')).key);
  });
  afterAll(async () => app.destroy());

  it('Given currency "dollars", When a campaign is created, Then "currency must be an ISO 4217 code such as USD"', async () => {
    const res = await call('POST', '/api/v1/campaigns', depositMatch({ currency: 'dollars' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'currency', message: 'currency must be an ISO 4217 code such as USD' }]);
  });

  it('Given a bad date, amount and event type, Then each message names the expected form with an example', async () => {
    const res = await call(
      'POST',
      '/api/v1/campaigns',
      depositMatch({ startsAt: 'tomorrow', eventTypes: ['Deposit'], limits: { maxAmountPerPlayer: '12,50' } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'startsAt', message: 'startsAt must be an ISO 8601 date-time with a zone such as 2026-01-01T00:00:00Z or null' },
        { field: 'eventTypes[0]', message: 'eventTypes[0] must be an event type such as user.deposit' },
        { field: 'limits.maxAmountPerPlayer', message: 'limits.maxAmountPerPlayer must be a decimal amount such as 50 or "12.50"' },
      ]),
    );
    expect(res.body.errors).toHaveLength(3);
  });

  it('Given deposit-match without matchPercent and with a bad currency, Then "parameters.matchPercent is required" and the ISO 4217 sentence', async () => {
    const res = await call('POST', '/api/v1/campaigns/from-template', {
      templateId: 'deposit-match',
      parameters: { maxBonus: 10, currency: 'dollars', bonus: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'parameters.matchPercent', message: 'parameters.matchPercent is required' },
        { field: 'parameters.currency', message: 'parameters.currency must be an ISO 4217 code such as USD' },
        { field: 'parameters.bonus', message: 'unknown field parameters.bonus' },
      ]),
    );
    expect(res.body.message).not.toMatch(/must match pattern|must have required property/);
  });

  it('Given decimal strings for template amounts ("maxBonus": "50"), Then accepted, range-checked and paid exactly', async () => {
    const res = await call<{ id: string; rewardFormula: { rule: unknown } }>('POST', '/api/v1/campaigns/from-template', {
      templateId: 'deposit-match',
      parameters: { matchPercent: '12.5', maxBonus: '50', minDeposit: '10.00' },
      overrides: { exclusivityGroup: null },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await call('POST', `/api/v1/campaigns/${res.body.data.id}/transitions`, { to: 'ACTIVE' })).status).toBe(200);
    const paid = await call<{ results: { rewards: { amount: string }[] }[] }>('POST', '/api/v1/events', { events: [deposit('errs-p', '100.10')] });
    expect(paid.body.data.results[0]?.rewards.map((r) => r.amount)).toEqual(['12.51']);
    const tooBig = await call('POST', '/api/v1/campaigns/from-template', { templateId: 'deposit-match', parameters: { matchPercent: '900', maxBonus: '50' } });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors).toEqual([{ field: 'parameters.matchPercent', message: 'parameters.matchPercent must be <= 500' }]);
    const notDecimal = await call('POST', '/api/v1/campaigns/from-template', {
      templateId: 'deposit-match',
      parameters: { matchPercent: 'lots', maxBonus: '50' },
    });
    expect(notDecimal.body.errors).toEqual([{ field: 'parameters.matchPercent', message: 'parameters.matchPercent must be a number' }]);
  });

  it('Given a cashback cap as a decimal string with many places, Then the campaign limit keeps it exactly', async () => {
    const res = await call<{ limits: { maxAmountPerPlayer: string } }>('POST', '/api/v1/campaigns/from-template', {
      templateId: 'cashback',
      parameters: { cashbackPercent: 10, maxCashbackPerPlayer: '123456789012.3456' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.limits.maxAmountPerPlayer).toBe('123456789012.3456');
    const id = await activeCampaign(call, depositMatch({ name: 'str', limits: { maxAmountPerPlayer: '0.10' }, rewardFormula: { rule: '0.1' } }));
    expect(id).toBeTruthy();
  });

  it('Given Ajv issues of a failed union, Then one message for the field built from its branches (unit)', () => {
    const issues = [
      { keyword: 'pattern', instancePath: '/limits/maxAmountPerPlayer', params: { pattern: '^\\d{1,15}(\\.\\d{1,4})?$' } },
      { keyword: 'type', instancePath: '/limits/maxAmountPerPlayer', params: { type: 'number' } },
      { keyword: 'anyOf', instancePath: '/limits/maxAmountPerPlayer', params: {} },
      { keyword: 'required', instancePath: '', params: { missingProperty: 'name' } },
    ];
    expect(fieldErrors(issues, 'en')).toEqual([
      { field: 'limits.maxAmountPerPlayer', message: 'limits.maxAmountPerPlayer must be a decimal amount such as 50 or "12.50"' },
      { field: 'name', message: 'name is required' },
    ]);
    expect(fieldErrors(issues, 'zh-TW')[1]).toEqual({ field: 'name', message: '名稱不能為空' });
  });
});
