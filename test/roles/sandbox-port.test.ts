/**
 * SANDBOX_PORT is where the embedded simulators (and so the wallet a worker pays into without
 * WALLET_URL) listen, in every role and whether or not the demo data is loaded: an api process,
 * a person or a second worker must be able to find that wallet.
 */
import { createServer } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBanyan, StartupError, type Role } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/app.js';
import { freePort, natsEnv } from '../helpers/nats.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const configFor = (env: Record<string, string>) => loadConfig({ ...natsEnv(), ...db.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });

describe('Given SANDBOX_PORT and no WALLET_URL', () => {
  it.each([
    ['worker', 'false'],
    ['worker', 'true'],
    ['all', 'false'],
    ['all', 'true'],
  ] as [Role, string][])('When role %s starts with DEMO_DATA=%s, Then its wallet listens on SANDBOX_PORT', async (role, demo) => {
    const port = await freePort();
    const banyan = await createBanyan(configFor({ DEMO_DATA: demo, SANDBOX_PORT: String(port) }), { role });
    try {
      expect(banyan.modules.get('rewards').walletUrl).toBe(`http://127.0.0.1:${port}`);
      const stats = await request(`http://127.0.0.1:${port}/wallet/stats`);
      expect(stats.statusCode).toBe(200);
      await stats.body.dump();
    } finally {
      await banyan.close();
    }
  });

  it('When role api starts with the demo, Then the demo simulators listen on SANDBOX_PORT', async () => {
    const port = await freePort();
    const banyan = await createBanyan(configFor({ DEMO_DATA: 'true', SANDBOX_PORT: String(port) }), { role: 'api' });
    try {
      expect(banyan.modules.get('sandbox').running?.url).toBe(`http://127.0.0.1:${port}`);
      expect(banyan.modules.find('rewards')?.worker).toBeUndefined();
    } finally {
      await banyan.close();
    }
  });

  it('When SANDBOX_PORT is already taken, Then the start fails saying to use WALLET_URL', async () => {
    const port = await freePort();
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const start = createBanyan(configFor({ DEMO_DATA: 'false', SANDBOX_PORT: String(port) }), { role: 'worker' });
      await expect(start).rejects.toBeInstanceOf(StartupError);
      await expect(start).rejects.toThrow(`WALLET_URL=http://127.0.0.1:${port}`);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});
