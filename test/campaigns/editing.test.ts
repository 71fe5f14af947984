import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { as, depositMatch, newTenant, type Caller, type Envelope } from './helpers.js';

interface View {
  id: string;
  name: string;
  status: string;
  description: string | null;
  exclusivityGroup: string | null;
  eventTypes: string[];
  priority: number;
  startsAt: string | null;
  limits: { maxRewardsPerPlayer: number | null; maxAmountPerPlayer: string | null; cooldownSeconds: number | null };
  eligibilityRule: { rule: unknown } | null;
  templateId: string | null;
}

describe('editing campaigns: GET → PUT round trip, JSON Merge Patch, template overrides', () => {
  let app: TestApp;
  let call: Caller;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await newTenant(app, 'edit')).key;
    call = as(app, key);
  });
  afterAll(async () => app.destroy());

  const patch = async (id: string, body: unknown, contentType = 'application/merge-patch+json') => {
    const res = await app.app.inject({
      method: 'PATCH',
      url: `/api/v1/campaigns/${id}`,
      headers: { 'x-api-key': key, 'content-type': contentType },
      payload: JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.json<Envelope<View>>() };
  };
  const create = async (extra: Record<string, unknown> = {}) => {
    const res = await call<View>('POST', '/api/v1/campaigns', depositMatch(extra));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data;
  };

  it('Given a campaign read with GET, When it is PUT back with one change, Then 200 (read-only fields and null limits are accepted and ignored)', async () => {
    const created = await create({ limits: { maxRewardsPerPlayer: 2 } });
    const read = (await call<View>('GET', `/api/v1/campaigns/${created.id}`)).body.data;
    const put = await call<View>('PUT', `/api/v1/campaigns/${created.id}`, {
      ...read,
      name: 'Renamed',
      status: 'ACTIVE',
      id: 'other-id',
      createdAt: '1999-01-01T00:00:00Z',
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data).toMatchObject({
      id: created.id,
      name: 'Renamed',
      status: 'DRAFT',
      limits: { maxRewardsPerPlayer: 2, maxAmountPerPlayer: null, cooldownSeconds: null },
    });
  });

  it('Given a PUT with a truly unknown field, Then 400 naming it', async () => {
    const created = await create();
    const res = await call('PUT', `/api/v1/campaigns/${created.id}`, { ...depositMatch(), colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field)).toEqual(['colour']);
  });

  it('Given a merge patch, When PATCHed as application/merge-patch+json, Then members replace, nested limits merge and null removes (RFC 7396)', async () => {
    const created = await create({ exclusivityGroup: 'deposit', description: 'old', limits: { maxRewardsPerPlayer: 3, cooldownSeconds: 60 } });
    const res = await patch(created.id, {
      name: 'Patched',
      description: null,
      exclusivityGroup: null,
      limits: { cooldownSeconds: null, maxAmountPerPlayer: '250.50' },
      eventTypes: ['user.deposit', 'user.bet'],
      status: 'ENDED',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      name: 'Patched',
      description: null,
      exclusivityGroup: null,
      status: 'DRAFT',
      eventTypes: ['user.deposit', 'user.bet'],
      limits: { maxRewardsPerPlayer: 3, maxAmountPerPlayer: '250.5', cooldownSeconds: null },
    });
    // Untouched members are kept.
    expect(res.body.data.eligibilityRule?.rule).toEqual({ '>=': [{ var: 'event.amount' }, 10] });
    expect((await call<View>('GET', `/api/v1/campaigns/${created.id}`)).body.data.name).toBe('Patched');
  });

  it('Given a patch as application/json, Then it is accepted too; a patch removing a required field is 400 naming it', async () => {
    const created = await create();
    expect((await patch(created.id, { priority: 7 }, 'application/json')).body.data.priority).toBe(7);
    const removed = await patch(created.id, { name: null });
    expect(removed.status).toBe(400);
    expect(removed.body.errors?.map((e) => e.field)).toEqual(['name']);
    expect(removed.body.errors?.[0]?.message).toBe('name is required');
    const bad = await patch(created.id, { currency: 'dollars', limits: { surprise: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['currency', 'limits.surprise']);
  });

  it('Given an ACTIVE campaign, When PATCHed, Then 422 as for PUT; another tenant’s id is 404', async () => {
    const created = await create();
    expect((await call('POST', `/api/v1/campaigns/${created.id}/transitions`, { to: 'ACTIVE' })).status).toBe(200);
    expect((await patch(created.id, { name: 'x' })).status).toBe(422);
    const other = as(app, (await newTenant(app, 'edit-other')).key);
    const res = await app.app.inject({
      method: 'PATCH',
      url: `/api/v1/campaigns/${created.id}`,
      headers: { 'x-api-key': (await newTenant(app, 'edit-third')).key, 'content-type': 'application/merge-patch+json' },
      payload: '{"name":"x"}',
    });
    expect(res.statusCode).toBe(404);
    expect((await other('GET', `/api/v1/campaigns/${created.id}`)).status).toBe(404);
  });

  it('Given template overrides for limits, rules and schedule, When a campaign is built from a template, Then they replace the template’s fields', async () => {
    const res = await call<View>('POST', '/api/v1/campaigns/from-template', {
      templateId: 'deposit-match',
      parameters: { matchPercent: 50, maxBonus: 100 },
      overrides: {
        limits: { maxRewardsPerPlayer: 4, cooldownSeconds: 600 },
        eligibilityRule: { rule: { '>=': [{ var: 'event.amount' }, 25] } },
        startsAt: '2027-01-01T00:00:00Z',
        eventTypes: ['user.deposit', 'user.bet'],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({
      templateId: 'deposit-match',
      limits: { maxRewardsPerPlayer: 4, cooldownSeconds: 600, maxAmountPerPlayer: null },
      eligibilityRule: { rule: { '>=': [{ var: 'event.amount' }, 25] } },
      startsAt: '2027-01-01T00:00:00.000Z',
      eventTypes: ['user.deposit', 'user.bet'],
    });
    const unknown = await call('POST', '/api/v1/campaigns/from-template', {
      templateId: 'deposit-match',
      parameters: { matchPercent: 50, maxBonus: 100 },
      overrides: { colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.map((e) => e.field)).toEqual(['overrides.colour']);
  });
});
