import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createBanyan } from '../../src/app.js';
import { DEMO_API_KEY, DEMO_TENANT_ID } from '../../src/demo/campaigns.js';
import { createTestDatabase, DB_KIND, testConfig } from '../helpers/app.js';

const silent = pino({ level: 'silent' });
const PRODUCTION = {
  NODE_ENV: 'production',
  BANYAN_SECRET_KEY: 'a'.repeat(64),
  BANYAN_ADMIN_PASSWORD: 'S3cure-enough!',
  WALLET_URL: 'http://127.0.0.1:9/wallet',
  JWT_SECRET: 'test-secret-for-production-mode-0123456789',
};

/**
 * Issue 10 item 6: a database that once ran in development keeps tenant `demo` and the API key
 * published in the README. Production start revokes the key, suspends the tenant and records a
 * SECURITY system event (see src/demo/retire.ts for why this rather than refusing to start).
 */
describe(`published demo tenant key on a production database (${DB_KIND})`, () => {
  it('Given a database that once ran in development, When production starts, Then the published demo API key no longer works and a SECURITY event records the retirement', async () => {
    const db = await createTestDatabase();
    try {
      const dev = await createBanyan(testConfig(db, { DEMO_DATA: 'true' }), { logger: silent });
      const campaigns = (apiKey: string) => ({ method: 'GET' as const, url: '/api/v1/campaigns', headers: { 'x-api-key': apiKey } });
      expect((await dev.app.inject(campaigns(DEMO_API_KEY))).statusCode).toBe(200);
      // Item 5 refuses the demo users; disable them so this test sees the tenant alone.
      await dev.database.db.updateTable('users').set({ enabled: 0 }).where('username', 'in', ['manager', 'auditor']).execute();
      await dev.close();

      const prod = await createBanyan(testConfig(db, { ...PRODUCTION, DEMO_DATA: 'true' }), { logger: silent });
      try {
        const res = await prod.app.inject(campaigns(DEMO_API_KEY));
        expect(res.statusCode).toBe(401);
        const keys = await prod.modules.get('tenants').listApiKeys(DEMO_TENANT_ID);
        expect(keys.every((k) => k.revoked)).toBe(true);
        expect((await prod.modules.get('tenants').get(DEMO_TENANT_ID)).status).toBe('SUSPENDED');
        const events = await prod.database.db
          .selectFrom('system_events')
          .select(['event_type', 'event_category', 'event_details'])
          .where('source_component', '=', 'demo.retire')
          .execute();
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ event_type: 'SECURITY', event_category: 'SECURITY' });
        expect(JSON.stringify(events[0]?.event_details)).toContain('DEMO_TENANT_RETIRED');
      } finally {
        await prod.close();
      }

      // Idempotent: a second production start finds nothing to retire and records nothing new.
      const again = await createBanyan(testConfig(db, PRODUCTION), { logger: silent });
      try {
        const events = await again.database.db.selectFrom('system_events').select('id').where('source_component', '=', 'demo.retire').execute();
        expect(events).toHaveLength(1);
      } finally {
        await again.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('Given production with DEMO_DATA=true on a fresh database, When it starts, Then no demo tenant is created at all', async () => {
    const db = await createTestDatabase();
    try {
      const prod = await createBanyan(testConfig(db, { ...PRODUCTION, DEMO_DATA: 'true' }), { logger: silent });
      try {
        expect((await prod.app.inject({ method: 'GET', url: '/api/v1/campaigns', headers: { 'x-api-key': DEMO_API_KEY } })).statusCode).toBe(401);
        await expect(prod.modules.get('tenants').get(DEMO_TENANT_ID)).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
      } finally {
        await prod.close();
      }
    } finally {
      await db.drop();
    }
  });
});
