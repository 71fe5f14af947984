import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBanyan, StartupError } from '../../src/app.js';
import { MIN_PASSWORD_LENGTH, passwordProblem, PUBLISHED_PASSWORDS } from '../../src/users/password-policy.js';
import { DEMO_USERS } from '../../src/users/users.service.js';
import { AS_MANAGER, basic, createTestDatabase, DB_KIND, startTestApp, testConfig, type TestApp } from '../helpers/app.js';

const silent = pino({ level: 'silent' });
const ROOT = resolve(import.meta.dirname, '../..');
const PRODUCTION = {
  NODE_ENV: 'production',
  BANYAN_SECRET_KEY: 'a'.repeat(64),
  WALLET_URL: 'http://127.0.0.1:9/wallet',
  JWT_SECRET: 'test-secret-for-production-mode-0123456789',
  DEMO_DATA: 'false',
};

/** Every password the repository publishes: `curl -u user:pass`, `` `user` / `pass` `` table rows, the demo seed. */
function publishedInRepo(): string[] {
  const files = [
    'README.md',
    ...readdirSync(resolve(ROOT, 'docs')).map((f) => `docs/${f}`),
    ...readdirSync(resolve(ROOT, 'src/demo')).map((f) => `src/demo/${f}`),
  ];
  const found = new Set<string>(DEMO_USERS.map((u) => u.password));
  for (const file of files) {
    const text = readFileSync(resolve(ROOT, file), 'utf8');
    for (const m of text.matchAll(/-u\s+'?[A-Za-z0-9._-]+:([^\s'"]+)/g)) found.add(m[1] ?? '');
    for (const m of text.matchAll(/\|\s*`[a-z][a-z0-9._-]*`\s*\/\s*`([^`]+)`\s*\|/g)) found.add(m[1] ?? '');
    for (const m of text.matchAll(/password:\s*'([^']+)'/g)) found.add(m[1] ?? '');
  }
  found.delete('');
  return [...found];
}

describe('password policy', () => {
  it('Given the README, docs and demo seed, When their published passwords are collected, Then every one of them is refused', () => {
    const published = publishedInRepo();
    expect(published).toEqual(expect.arrayContaining(['admin123', 'manager123', 'auditor123']));
    for (const password of published) expect(PUBLISHED_PASSWORDS, password).toContain(password);
    for (const password of published) expect(passwordProblem('someone', password), password).not.toBeNull();
  });

  it.each([
    ['admin123', 'PASSWORD_PUBLISHED'],
    ['short-pw', 'PASSWORD_TOO_SHORT'],
    ['x'.repeat(MIN_PASSWORD_LENGTH - 1), 'PASSWORD_TOO_SHORT'],
    ['Password1234', 'PASSWORD_COMMON'],
    ['QWERTY123456', 'PASSWORD_COMMON'],
    ['operations-admin', 'PASSWORD_IS_USERNAME'],
  ])('Given the weak password %s, When it is checked, Then the rule %s names why', (password, rule) => {
    expect(passwordProblem('operations-admin', password)?.rule).toBe(rule);
  });

  it('Given a long uncommon password, When it is checked, Then it is accepted', () => {
    expect(passwordProblem('ops', 'correct horse battery staple')).toBeNull();
    expect(passwordProblem('ops', 'S3cure-enough!')).toBeNull();
  });
});

describe(`production start refuses published and weak passwords on ${DB_KIND}`, () => {
  it.each([
    ['admin123', /user admin .*PASSWORD_PUBLISHED/],
    ['hunter2', /user admin .*PASSWORD_TOO_SHORT/],
    ['password1234', /user admin .*PASSWORD_COMMON/],
  ])(
    'Given BANYAN_ADMIN_PASSWORD=%s on a fresh database, When started in production, Then it refuses to start naming the user and the rule',
    async (password, message) => {
      const db = await createTestDatabase();
      try {
        const start = createBanyan(testConfig(db, { ...PRODUCTION, BANYAN_ADMIN_PASSWORD: password }), { logger: silent });
        await expect(start).rejects.toThrow(StartupError);
        await expect(start).rejects.toThrow(message);
      } finally {
        await db.drop();
      }
    },
  );

  it('Given a user whose demo flag was cleared but whose hash is still a published password, When started in production, Then it refuses naming that user', async () => {
    const db = await createTestDatabase();
    try {
      const dev = await createBanyan(testConfig(db, { DEMO_DATA: 'false' }), { logger: silent });
      // The flag is only a hint: e.g. an operator ran BANYAN_ADMIN_PASSWORD=manager123 once, which clears it.
      await dev.database.db.updateTable('users').set({ demo_password: 0 }).execute();
      await dev.database.db.updateTable('users').set({ enabled: 0 }).where('username', '=', 'auditor').execute();
      await dev.close();
      const start = createBanyan(testConfig(db, { ...PRODUCTION, BANYAN_ADMIN_PASSWORD: 'S3cure-enough!' }), { logger: silent });
      await expect(start).rejects.toThrow(/users manager still have a published demo password \(PASSWORD_PUBLISHED\)/);
    } finally {
      await db.drop();
    }
  });
});

describe(`changing a password through the API on ${DB_KIND}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'false' });
  });
  afterAll(async () => {
    await t?.destroy();
  });
  const change = (headers: Record<string, string>, body: object) => t.app.inject({ method: 'PUT', url: '/api/v1/users/me/password', headers, payload: body });

  it.each([
    ['auditor123', 'PASSWORD_PUBLISHED'],
    ['short', 'PASSWORD_TOO_SHORT'],
    ['administrator', 'PASSWORD_COMMON'],
  ])('Given a signed-in user, When the new password is %s, Then 400 names the rule %s and the old password still works', async (newPassword, rule) => {
    const res = await change(AS_MANAGER, { currentPassword: 'manager123', newPassword });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, errorCode: 'VALIDATION_FAILED', errors: [{ field: 'newPassword', code: rule }] });
    expect(res.json().message).toContain(rule);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/promotions/available', headers: AS_MANAGER })).statusCode).toBe(200);
  });

  it('Given a wrong current password, When changing, Then 400 and nothing changes', async () => {
    const res = await change(AS_MANAGER, { currentPassword: 'not-it', newPassword: 'a perfectly fine passphrase' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
  });

  it('Given a strong new password, When changing, Then the old one stops working at once and the new one works', async () => {
    const res = await change(AS_MANAGER, { currentPassword: 'manager123', newPassword: 'a perfectly fine passphrase' });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/promotions/available', headers: AS_MANAGER })).statusCode).toBe(401);
    const fresh = { authorization: basic('manager', 'a perfectly fine passphrase') };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/promotions/available', headers: fresh })).statusCode).toBe(200);
    expect(await t.modules.get('users').demoPasswordUsers()).not.toContain('manager');
  });
});
