import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { as, deposit, depositMatch, newTenant, type Caller } from './helpers.js';

describe('campaign lifecycle and rules', () => {
  let app: TestApp;
  let call: Caller;
  beforeAll(async () => {
    app = await startTestApp();
    call = as(app, (await newTenant(app, 'life')).key);
  });
  afterAll(async () => app.destroy());

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await call<{ id: string; status: string }>('POST', '/api/v1/campaigns', depositMatch(body));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data;
  };
  const to = (id: string, status: string) => call<{ status: string; effectiveStatus: string }>('POST', `/api/v1/campaigns/${id}/transitions`, { to: status });

  it('Given a DRAFT, When it goes ACTIVE → PAUSED → ACTIVE → ENDED, Then every step succeeds and ENDED is final (422 afterwards)', async () => {
    const c = await create();
    expect(c.status).toBe('DRAFT');
    for (const s of ['ACTIVE', 'PAUSED', 'ACTIVE', 'ENDED']) expect((await to(c.id, s)).body.data.status).toBe(s);
    const again = await to(c.id, 'ACTIVE');
    expect(again.status).toBe(422);
    expect(again.body.errorCode).toBe('BUSINESS_RULE_VIOLATION');
  });

  it('Given a DRAFT, When moved straight to PAUSED or ENDED, Then 422 naming the allowed transitions', async () => {
    const c = await create();
    const res = await to(c.id, 'PAUSED');
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('DRAFT');
    expect((await to(c.id, 'ENDED')).status).toBe(422);
    expect((await call('POST', `/api/v1/campaigns/${c.id}/transitions`, { to: 'RUNNING' })).status).toBe(400);
  });

  it('Given SCHEDULED without startsAt, Then 422; with a future window it is SCHEDULED, with a current window effectively ACTIVE and rewarding', async () => {
    expect((await to((await create()).id, 'SCHEDULED')).status).toBe(422);
    const future = await create({ startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString() });
    expect((await to(future.id, 'SCHEDULED')).body.data.effectiveStatus).toBe('SCHEDULED');
    const now = await create({
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      exclusivityGroup: 'x',
    });
    expect((await to(now.id, 'SCHEDULED')).body.data).toMatchObject({ status: 'SCHEDULED', effectiveStatus: 'ACTIVE' });
    const res = await call<{ results: { rewards: { campaignId: string }[] }[] }>('POST', '/api/v1/events', { events: [deposit('sched-p', 30)] });
    const paid = res.body.data.results[0]?.rewards.map((r) => r.campaignId) ?? [];
    expect(paid).toContain(now.id);
    expect(paid).not.toContain(future.id);
  });

  it('Given an invalid window (endsAt before startsAt, or already over), Then 400 on write and 422 on activation', async () => {
    const bad = await call('POST', '/api/v1/campaigns', depositMatch({ startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.field).toBe('endsAt');
    const over = await create({ startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-02-01T00:00:00Z' });
    expect((await to(over.id, 'ACTIVE')).status).toBe(422);
  });

  it('Given an ACTIVE campaign, When edited, Then 422 until paused; deleting is for DRAFTs only', async () => {
    const c = await create();
    await to(c.id, 'ACTIVE');
    expect((await call('PUT', `/api/v1/campaigns/${c.id}`, depositMatch({ name: 'edited' }))).status).toBe(422);
    expect((await call('DELETE', `/api/v1/campaigns/${c.id}`)).status).toBe(422);
    await to(c.id, 'PAUSED');
    const edited = await call<{ name: string }>('PUT', `/api/v1/campaigns/${c.id}`, depositMatch({ name: 'edited' }));
    expect(edited.body.data.name).toBe('edited');
    const draft = await create();
    expect((await call('DELETE', `/api/v1/campaigns/${draft.id}`)).status).toBe(200);
    expect((await call('GET', `/api/v1/campaigns/${draft.id}`)).status).toBe(404);
  });

  it('Given a JSONLogic eligibilityRule with an unknown operator, When written, Then 400 naming eligibilityRule and the JSON path', async () => {
    const res = await call(
      'POST',
      '/api/v1/campaigns',
      depositMatch({ eligibilityRule: { language: 'jsonlogic', rule: { and: [true, { frobnicate: [1] }] } } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('VALIDATION_FAILED');
    expect(res.body.message).toContain('eligibilityRule');
    expect(res.body.errors?.[0]).toMatchObject({ field: 'eligibilityRule', path: '$.and[1]' });
  });

  it('Given a SpEL rewardFormula with a syntax error, When written, Then 400 naming rewardFormula with line and column', async () => {
    const res = await call('POST', '/api/v1/campaigns', depositMatch({ rewardFormula: { language: 'spel', rule: 'event.amount *' } }));
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]).toMatchObject({ field: 'rewardFormula', position: { line: 1, column: expect.any(Number) } });
    expect(res.body.message).toContain('rewardFormula');
  });

  it('Given a SpEL campaign, When a deposit arrives, Then the formula runs in decimal money mode', async () => {
    const c = await create({
      eligibilityRule: { language: 'spel', rule: 'event.amount >= 10' },
      rewardFormula: { language: 'spel', rule: 'event.amount * 0.015' },
      exclusivityGroup: 'spel',
    });
    await to(c.id, 'ACTIVE');
    const res = await call<{ results: { rewards: { campaignId: string; amount: string }[] }[] }>('POST', '/api/v1/events', {
      events: [deposit('spel-p', '33.33')],
    });
    expect(res.body.data.results[0]?.rewards.find((r) => r.campaignId === c.id)?.amount).toBe('0.50');
  });

  it('Given malformed campaign bodies, When posted, Then 400 envelopes, never 500', async () => {
    for (const body of [
      {},
      { ...depositMatch(), currency: 'usd' },
      { ...depositMatch(), rewardType: 'GOLD' },
      { ...depositMatch(), eventTypes: [] },
      { ...depositMatch(), limits: { maxRewardsPerPlayer: 0 } },
      { ...depositMatch(), rewardFormula: { language: 'spel', rule: 42 } },
      { ...depositMatch(), rewardFormula: { language: 'lua', rule: 'x' } },
    ]) {
      const res = await call('POST', '/api/v1/campaigns', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.success).toBe(false);
    }
    const raw = await app.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns',
      headers: { 'x-api-key': (await newTenant(app, 'raw')).key, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(raw.statusCode).toBe(400);
    // Spring Data's Pageable: a negative page is page 0, not an error (test/bank/paging.test.ts).
    const negative = await call<{ number: number }>('GET', '/api/v1/campaigns?page=-1');
    expect(negative.status).toBe(200);
    expect(negative.body.data.number).toBe(0);
  });
});
