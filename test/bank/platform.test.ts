import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBanyan, StartupError } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { HTTP_STATUS } from '../../src/platform/http/errors.js';
import { createLoginLimiter } from '../../src/platform/http/login-limiter.js';
import { buildHttpServer } from '../../src/platform/http/server.js';
import { AS_ADMIN, basic, createTestDatabase, DB_KIND, startTestApp, testConfig, type TestApp } from '../helpers/app.js';

const silent = pino({ level: 'silent' });

describe(`platform on ${DB_KIND}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('Given a running service, When /actuator/health is called without credentials, Then UP with db, ping and (on SQLite, where it writes) diskSpace components', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/actuator/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'UP', components: { db: { status: 'UP' }, ping: { status: 'UP' } } });
    if (DB_KIND === 'sqlite') expect(res.json()).toMatchObject({ components: { diskSpace: { status: 'UP', details: { path: t.testDb.dataDir } } } });
    else expect(res.json().components).not.toHaveProperty('diskSpace');
  });

  it('Given the OpenAPI document, When /api-docs is fetched, Then every endpoint of the document is described with schemas, Basic auth and examples', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api-docs' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    const expected: [string, string[]][] = [
      ['/api/v1/promotions/evaluate', ['post']],
      ['/api/v1/promotions/history', ['get']],
      ['/api/v1/promotions/available', ['get']],
      ['/api/v1/management/decision-trees', ['get', 'post']],
      ['/api/v1/management/decision-trees/{treeId}', ['get', 'put', 'delete']],
      ['/api/v1/management/promotion-rules', ['get', 'post']],
      ['/api/v1/management/promotion-rules/{ruleId}', ['get', 'put', 'delete']],
      ['/api/v1/management/promotion-rules/{ruleId}/status', ['patch']],
      ['/actuator/health', ['get']],
    ];
    for (const [path, methods] of expected) {
      for (const method of methods) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const evaluate = doc.paths['/api/v1/promotions/evaluate'].post;
    expect(evaluate.requestBody.content['application/json'].schema.properties.customerId).toBeDefined();
    expect(JSON.stringify(evaluate)).toContain('CUST001');
    expect(evaluate.responses['200']).toBeDefined();
    expect(evaluate.responses['400']).toBeDefined();
    expect(doc.paths['/api/v1/management/decision-trees'].get.security).toEqual([{ basicAuth: [] }]);
  });

  it('Given Swagger UI, When /swagger-ui.html is opened, Then it redirects to /swagger-ui/index.html which serves the UI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/swagger-ui.html' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/swagger-ui/index.html');
    const index = await t.app.inject({ method: 'GET', url: '/swagger-ui/index.html' });
    expect(index.statusCode).toBe(302);
    const ui = await t.app.inject({ method: 'GET', url: String(index.headers.location) });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('Given an unknown route, When called, Then 404 RESOURCE_NOT_FOUND in the envelope with a request id header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ success: false, errorCode: 'RESOURCE_NOT_FOUND' });
    expect(res.headers['x-request-id']).toBe(res.json().requestId);
  });

  it("Given a client-supplied X-Request-Id, When it is sane, Then the request id is still the server's and the client id is echoed as X-Correlation-Id; when it is not, it is dropped", async () => {
    const kept = await t.app.inject({ method: 'GET', url: '/actuator/health', headers: { 'x-request-id': 'client-req-123' } });
    expect(kept.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(kept.headers['x-correlation-id']).toBe('client-req-123');
    const preferred = await t.app.inject({ method: 'GET', url: '/actuator/health', headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'other' } });
    expect(preferred.headers['x-correlation-id']).toBe('corr-1');
    const replaced = await t.app.inject({ method: 'GET', url: '/actuator/health', headers: { 'x-request-id': 'bad id with spaces <script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.headers['x-correlation-id']).toBeUndefined();
  });

  it('Given stored users, When the database is read, Then passwords are argon2id hashes, never plain text', async () => {
    const rows = await t.database.db.selectFrom('users').select(['username', 'password_hash']).execute();
    expect(rows.map((r) => r.username).sort()).toEqual(['admin', 'auditor', 'manager']);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain('123');
    }
  });

  // Login throttling (429 + Retry-After per user and per address): test/security/login-throttle.test.ts.

  it('Given the error catalogue, When each code is inspected, Then it has the document’s HTTP status', () => {
    const expected: Record<string, number> = {
      INVALID_REQUEST: 400,
      VALIDATION_FAILED: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      RESOURCE_NOT_FOUND: 404,
      DUPLICATE_RESOURCE: 409,
      BUSINESS_RULE_VIOLATION: 422,
      SYSTEM_ERROR: 500,
      EXTERNAL_SYSTEM_ERROR: 500,
      DATABASE_ERROR: 500,
    };
    for (const [code, status] of Object.entries(expected)) expect(HTTP_STATUS[code as keyof typeof HTTP_STATUS], code).toBe(status);
  });

  it('Given a broken table, When an endpoint needs it, Then 500 DATABASE_ERROR in the envelope without internals', async () => {
    const db = await createTestDatabase();
    const banyan = await createBanyan(testConfig(db), { logger: silent });
    try {
      await banyan.database.db.schema.dropTable('promotion_history').execute();
      const res = await banyan.app.inject({ method: 'GET', url: '/api/v1/promotions/history', headers: AS_ADMIN });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toMatchObject({ success: false, errorCode: 'DATABASE_ERROR', message: '資料庫操作錯誤' });
      expect(res.body).not.toContain('promotion_history');
    } finally {
      await banyan.close();
      await db.drop();
    }
  });

  it('Given a handler bug, When it throws, Then 500 SYSTEM_ERROR with a generic message', async () => {
    const app = await buildHttpServer({
      logger: silent,
      bodyLimitBytes: 1024 * 1024,
      swaggerEnabled: false,
      version: 't',
      auth: { authenticator: { authenticate: async () => null }, limiter: createLoginLimiter({ userAttempts: 5, addressAttempts: 20, windowMs: 60_000 }) },
    });
    app.get('/boom', { config: { auth: 'public' } }, async () => {
      throw new TypeError('secret internals');
    });
    expect(() => app.get('/unchecked', async () => 'x')).toThrow(/declares no config.auth/);
    const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ success: false, errorCode: 'SYSTEM_ERROR', message: 'Internal error' });
    expect(res.body).not.toContain('secret');
    await app.close();
  });

  it('Given the database goes away, When health is checked, Then DOWN with 503', async () => {
    const db = await createTestDatabase();
    const banyan = await createBanyan(testConfig(db), { logger: silent });
    await banyan.database.close();
    const res = await banyan.app.inject({ method: 'GET', url: '/actuator/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'DOWN', components: { db: { status: 'DOWN' } } });
    await banyan.app.close();
    await db.drop();
  });
});

describe('production mode', () => {
  it('Given NODE_ENV=production without BANYAN_ADMIN_PASSWORD, When the config loads, Then start-up is refused with the reason', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/BANYAN_ADMIN_PASSWORD/);
  });

  it('Given production with an admin password, When started on a fresh database, Then the demo users do not exist and the admin from the environment works', async () => {
    const db = await createTestDatabase();
    const banyan = await createBanyan(
      testConfig(db, {
        NODE_ENV: 'production',
        BANYAN_ADMIN_USER: 'root',
        BANYAN_ADMIN_PASSWORD: 'S3cure-enough!',
        WALLET_URL: 'http://127.0.0.1:9/wallet',
        JWT_SECRET: 'test-secret-for-production-mode-0123456789',
        BANYAN_SECRET_KEY: 'a'.repeat(64),
      }),
      { logger: silent },
    );
    try {
      const demo = await banyan.app.inject({
        method: 'GET',
        url: '/api/v1/management/decision-trees',
        headers: { authorization: basic('manager', 'manager123') },
      });
      expect(demo.statusCode).toBe(401);
      const admin = await banyan.app.inject({
        method: 'GET',
        url: '/api/v1/management/decision-trees',
        headers: { authorization: basic('root', 'S3cure-enough!') },
      });
      expect(admin.statusCode).toBe(200);
      // Swagger is off in production unless asked for.
      expect((await banyan.app.inject({ method: 'GET', url: '/api-docs' })).statusCode).toBe(404);
    } finally {
      await banyan.close();
      await db.drop();
    }
  });

  it('Given a database that still has the published demo passwords, When started in production, Then it refuses to start', async () => {
    const db = await createTestDatabase();
    const dev = await createBanyan(testConfig(db), { logger: silent });
    await dev.close();
    await expect(
      createBanyan(testConfig(db, { NODE_ENV: 'production', BANYAN_ADMIN_PASSWORD: 'S3cure-enough!', BANYAN_SECRET_KEY: 'a'.repeat(64) }), { logger: silent }),
    ).rejects.toThrow(StartupError);
    await db.drop();
  });

  it('Given bad configuration values, When loaded, Then every bad variable is named with what it accepts', () => {
    try {
      loadConfig({ PORT: 'http', LOG_LEVEL: 'loud', DEMO_DATA: 'maybe', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT: must be an integer');
      expect(message).toContain('LOG_LEVEL: must be one of');
      expect(message).toContain('DEMO_DATA: must be true or false');
      expect(message).toContain('DATABASE_URL: must match');
    }
    const config = loadConfig({ PORT: '9090', DEMO_DATA: 'no', DATABASE_URL: 'postgres://u@h/db' });
    expect(config).toMatchObject({ port: 9090, demoData: false, database: { kind: 'postgres', url: 'postgres://u@h/db' } });
    expect(Object.isFrozen(config)).toBe(true);
  });
});
