import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, AS_MANAGER, startTestApp, type TestApp } from '../helpers/app.js';
import { newTenant, type Envelope } from './helpers.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';

describe('tenants and credentials', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ JWT_SECRET: SECRET, JWT_TTL_SECONDS: '60' });
  });
  afterAll(async () => app.destroy());

  const get = (url: string, headers: Record<string, string>) => app.app.inject({ method: 'GET', url, headers });

  it('Given a staff MANAGER, When it creates a tenant, Then 403 FORBIDDEN (ADMIN only)', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/admin/tenants', headers: AS_MANAGER, payload: { name: 'x' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ success: false, errorCode: 'FORBIDDEN' });
  });

  it('Given a new API key, When it is created, Then it is shown once, stored only as its SHA-256 and never listed', async () => {
    const t = await newTenant(app, 'keys');
    expect(t.key).toMatch(/^bnk_live_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const row = await app.database.db.selectFrom('tenant_api_keys').selectAll().where('id', '=', t.keyId).executeTakeFirstOrThrow();
    const secret = t.key.split('_').slice(3).join('_');
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);
    const list = await get('/api/v1/admin/tenants/keys/api-keys', AS_ADMIN);
    expect(list.body).not.toContain(secret);
    expect(list.json<Envelope<{ id: string; lastUsedAt: string | null }[]>>().data[0]).toMatchObject({ id: t.keyId, lastUsedAt: null });
  });

  it('Given a valid key, When it is used, Then the call succeeds and last-used is recorded; When it is revoked, Then it gets 401', async () => {
    const t = await newTenant(app, 'revoke');
    expect((await get('/api/v1/campaigns', { 'x-api-key': t.key })).statusCode).toBe(200);
    const keys = await get('/api/v1/admin/tenants/revoke/api-keys', AS_ADMIN);
    expect(keys.json<Envelope<{ lastUsedAt: string | null }[]>>().data[0]?.lastUsedAt).not.toBeNull();
    const revoked = await app.app.inject({ method: 'DELETE', url: `/api/v1/admin/tenants/revoke/api-keys/${t.keyId}`, headers: AS_ADMIN });
    expect(revoked.statusCode).toBe(200);
    const after = await get('/api/v1/campaigns', { 'x-api-key': t.key });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ success: false, errorCode: 'UNAUTHORIZED', data: null });
  });

  it('Given no or a forged credential, When a tenant route is called, Then 401 in the envelope', async () => {
    expect((await get('/api/v1/campaigns', {})).json()).toMatchObject({ errorCode: 'UNAUTHORIZED' });
    expect((await get('/api/v1/campaigns', { 'x-api-key': 'bnk_live_aaaaaaaaaaaa_' + 'A'.repeat(43) })).statusCode).toBe(401);
    expect((await get('/api/v1/campaigns', { 'x-api-key': 'nonsense' })).statusCode).toBe(401);
    expect((await get('/api/v1/campaigns', { authorization: 'Bearer not.a.jwt' })).statusCode).toBe(401);
    // Staff Basic credentials are not tenant credentials.
    expect((await get('/api/v1/campaigns', AS_ADMIN)).statusCode).toBe(401);
  });

  it('Given a key without campaigns:write, When it creates a campaign, Then 403 naming the scope', async () => {
    const t = await newTenant(app, 'readonly', ['campaigns:read']);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: { 'x-api-key': t.key }, payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json<Envelope>().message).toContain('campaigns:write');
  });

  it('Given an API key, When exchanged for a JWT, Then the bearer token works with the requested scopes only', async () => {
    const t = await newTenant(app, 'jwt');
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'x-api-key': t.key }, payload: { scopes: ['campaigns:read'] } });
    expect(res.statusCode).toBe(200);
    const token = res.json<Envelope<{ accessToken: string; expiresIn: number; scope: string }>>().data;
    expect(token).toMatchObject({ expiresIn: 60, scope: 'campaigns:read' });
    const bearer = { authorization: `Bearer ${token.accessToken}` };
    expect((await get('/api/v1/campaigns', bearer)).statusCode).toBe(200);
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: bearer, payload: {} })).statusCode).toBe(403);
    // A token cannot mint tokens.
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: bearer })).statusCode).toBe(401);
  });

  it('Given an expired or wrongly signed token, When used, Then 401', async () => {
    const t = await newTenant(app, 'expiry');
    const past = Math.floor(Date.now() / 1000) - 120;
    const sign = (key: string, exp: number) =>
      new SignJWT({ tid: 'expiry', kid: t.keyId, scope: 'campaigns:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('banyan')
        .setAudience('banyan-tenant-api')
        .setIssuedAt(past - 60)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(key));
    const expired = await get('/api/v1/campaigns', { authorization: `Bearer ${await sign(SECRET, past)}` });
    expect(expired.statusCode).toBe(401);
    expect(expired.json<Envelope>().message).toMatch(/過期|expired/i);
    const forged = await get('/api/v1/campaigns', { authorization: `Bearer ${await sign('another-secret-another-secret-another-00', past + 3600)}` });
    expect(forged.statusCode).toBe(401);
    const good = await get('/api/v1/campaigns', { authorization: `Bearer ${await sign(SECRET, past + 3600)}` });
    expect(good.statusCode).toBe(200);
  });

  it('Given a suspended tenant, When its key or token is used, Then 403 FORBIDDEN', async () => {
    const t = await newTenant(app, 'suspend');
    const token = (await app.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'x-api-key': t.key } })).json<
      Envelope<{ accessToken: string }>
    >().data.accessToken;
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/admin/tenants/suspend/suspend', headers: AS_ADMIN });
    expect(res.json<Envelope<{ status: string }>>().data.status).toBe('SUSPENDED');
    expect((await get('/api/v1/campaigns', { 'x-api-key': t.key })).statusCode).toBe(403);
    expect((await get('/api/v1/campaigns', { authorization: `Bearer ${token}` })).statusCode).toBe(403);
  });

  it('Given tenant admin calls, When the id is taken or unknown, Then 409 / 404', async () => {
    await newTenant(app, 'dup');
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/admin/tenants', headers: AS_ADMIN, payload: { id: 'dup', name: 'again' } })).statusCode).toBe(
      409,
    );
    expect((await get('/api/v1/admin/tenants/nope', AS_ADMIN)).statusCode).toBe(404);
    expect((await get('/api/v1/admin/tenants?page=0&size=100', AS_ADMIN)).json<Envelope<{ totalElements: number }>>().data.totalElements).toBeGreaterThan(3);
  });
});
