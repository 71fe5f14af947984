import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, startTestApp, type TestApp } from '../helpers/app.js';
import { newTenant } from './helpers.js';

describe('language: the campaign platform speaks English by default, a tenant may choose, Accept-Language wins; the bank API stays zh-TW', () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await newTenant(app, 'lang')).key;
  });
  afterAll(async () => app.destroy());

  const badCampaign = async (apiKey: string, headers: Record<string, string> = {}) => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: { 'x-api-key': apiKey, ...headers }, payload: { name: 'x' } });
    expect(res.statusCode).toBe(400);
    return res.json<{ message: string; errors: { field: string; message: string }[] }>();
  };

  it('Given no Accept-Language, When a tenant request is invalid, Then the message is English', async () => {
    const body = await badCampaign(key);
    expect(body.message).toMatch(/^Request validation failed: /);
    expect(body.errors).toEqual(expect.arrayContaining([{ field: 'eventTypes', message: 'eventTypes is required' }]));
    const missing = await app.app.inject({ method: 'GET', url: '/api/v1/campaigns/nope', headers: { 'x-api-key': key } });
    expect(missing.json<{ message: string }>().message).toBe('Campaign not found: nope');
    const ok = await app.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers: { 'x-api-key': key } });
    expect(ok.json<{ message: string }>().message).toBe('OK');
  });

  it('Given Accept-Language: zh-TW, When a tenant request is invalid, Then the message is Traditional Chinese', async () => {
    const body = await badCampaign(key, { 'accept-language': 'zh-TW,zh;q=0.9' });
    expect(body.message).toMatch(/^請求資料驗證失敗: /);
  });

  it('Given a tenant whose default locale is zh-TW, When its client sends no Accept-Language, Then Chinese; with Accept-Language: en, Then English', async () => {
    const changed = await app.app.inject({ method: 'PATCH', url: '/api/v1/admin/tenants/lang', headers: AS_ADMIN, payload: { defaultLocale: 'zh-TW' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json<{ data: { defaultLocale: string } }>().data.defaultLocale).toBe('zh-TW');
    expect((await badCampaign(key)).message).toMatch(/^請求資料驗證失敗: /);
    expect((await badCampaign(key, { 'accept-language': 'en' })).message).toMatch(/^Request validation failed: /);
    // The bearer-token path carries the locale too.
    const token = (await app.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'x-api-key': key } })).json<{ data: { accessToken: string } }>()
      .data.accessToken;
    const viaToken = await app.app.inject({ method: 'GET', url: '/api/v1/campaigns/nope', headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.json<{ message: string }>().message).toBe('活動不存在: nope');
  });

  it('Given a tenant created with defaultLocale en, Then the view shows it; an unknown locale is 400 naming the allowed ones', async () => {
    const created = await app.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tenants',
      headers: AS_ADMIN,
      payload: { id: 'lang-en', name: 'EN', defaultLocale: 'en' },
    });
    expect(created.json<{ data: { defaultLocale: string } }>().data.defaultLocale).toBe('en');
    const bad = await app.app.inject({ method: 'PATCH', url: '/api/v1/admin/tenants/lang-en', headers: AS_ADMIN, payload: { defaultLocale: 'fr' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([
      { field: 'defaultLocale', message: 'defaultLocale must be one of en, zh-TW' },
    ]);
  });

  it('Given the bank API (seed 002), When a request is invalid without Accept-Language, Then the documented zh-TW message', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/v1/promotions/evaluate',
      headers: AS_ADMIN,
      payload: { customerId: '', accountType: 'VIP' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toBe('請求資料驗證失敗: 客戶ID不能為空');
  });
});
