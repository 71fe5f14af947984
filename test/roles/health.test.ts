/**
 * Health on every backend and role, the way a new user first meets it: `banyan serve` started
 * from an empty directory (no ./data), and each role's HTTP surface.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBanyan, type Role } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../helpers/app.js';
import { natsEnv } from '../helpers/nats.js';

const ROOT = resolve(import.meta.dirname, '../..');
// Absolute, so the CLI runs from a directory that has no node_modules.
const CLI = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/cli/main.ts')];

let db: TestDatabase;
let emptyDir: string;
/** What the service is told about its database: DATABASE_URL only (no DATA_DIR), as a deployment would. */
let databaseEnv: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  emptyDir = mkdtempSync(join(tmpdir(), 'banyan-empty-cwd-'));
  databaseEnv = DB_KIND === 'postgres' ? { DATABASE_URL: db.env.DATABASE_URL ?? '' } : { DATABASE_URL: `sqlite://${join(db.dataDir, 'db', 'banyan.db')}` };
});
afterAll(async () => {
  rmSync(emptyDir, { recursive: true, force: true });
  await db?.drop();
});

describe(`Given a deployment on ${DB_KIND} started from a directory without ./data`, () => {
  it('When banyan serve runs there, Then /actuator/health is UP and no ./data is created', async () => {
    const { child, address } = await serve(['--port', '0', '--host', '127.0.0.1'], {});
    try {
      const health = await request(`${address}/actuator/health`);
      const body = (await health.body.json()) as { status: string; components: Record<string, { status: string; details?: Record<string, unknown> }> };
      expect(health.statusCode, JSON.stringify(body)).toBe(200);
      expect(body.status).toBe('UP');
      if (DB_KIND === 'postgres') {
        // Nothing is written locally: no disk to report on.
        expect(body.components.diskSpace).toBeUndefined();
      } else {
        // The directory that is written: the SQLite file's.
        expect(body.components.diskSpace).toMatchObject({ status: 'UP', details: { path: join(db.dataDir, 'db') } });
      }
      expect(existsSync(join(emptyDir, 'data'))).toBe(false);
    } finally {
      await stop(child);
    }
  });

  it('When a worker process is started with --port (and HTTP_WORKERS=2), Then it is one process answering health, and the public API is 404', async () => {
    const { child, address, output } = await serve(['--role', 'worker', '--port', '0', '--host', '127.0.0.1'], { HTTP_WORKERS: '2' });
    try {
      expect(output()).not.toContain('cluster is ready');
      const health = await request(`${address}/actuator/health`);
      expect(health.statusCode).toBe(200);
      await health.body.dump();
      const evaluate = await request(`${address}/api/v1/promotions/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"customerId":"C1"}',
      });
      expect(evaluate.statusCode).toBe(404);
      expect(await evaluate.body.json()).toMatchObject({ success: false, errorCode: 'RESOURCE_NOT_FOUND' });
    } finally {
      await stop(child);
    }
  });
});

/** `banyan serve` from the empty directory, with DATABASE_URL only; resolves on its ready line. */
async function serve(args: string[], extra: Record<string, string>): Promise<{ child: ChildProcess; address: string; output: () => string }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...natsEnv(),
    ...databaseEnv,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DEMO_DATA: 'false',
    ...extra,
  };
  delete env.DATA_DIR;
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], { cwd: emptyDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const address = await new Promise<string>((resolveAddress, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`serve exited ${String(code)}: ${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveAddress(match[1]);
      }
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { child, address, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

describe(`Given each role on ${DB_KIND}`, () => {
  const roles: Role[] = ['all', 'api', 'worker', 'scheduler'];
  it.each(roles)('When role %s is asked for its health with DATA_DIR pointing nowhere, Then it is UP', async (role) => {
    const config = loadConfig({
      ...natsEnv(),
      ...databaseEnv,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DEMO_DATA: 'false',
      DATA_DIR: join(emptyDir, 'never-created'),
    });
    const banyan = await createBanyan(config, { role });
    try {
      const res = await banyan.app.inject({ method: 'GET', url: '/actuator/health' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'UP', components: { db: { status: 'UP' }, ping: { status: 'UP' } } });
    } finally {
      await banyan.close();
    }
  });

  it.each(['worker', 'scheduler'] as Role[])(
    'When role %s is asked for the public API, Then every route is 404 in the envelope, and health and metrics answer',
    async (role) => {
      const config = loadConfig({ ...natsEnv(), ...databaseEnv, NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO_DATA: 'true' });
      const banyan = await createBanyan(config, { role });
      try {
        for (const [method, url] of [
          ['POST', '/api/v1/promotions/evaluate'],
          ['GET', '/api/v1/management/decision-trees'],
          ['POST', '/api/v1/auth/token'],
          ['GET', '/api/v1/campaigns'],
          ['GET', '/api-docs'],
        ] as const) {
          const res = await banyan.app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: method === 'POST' ? '{}' : undefined });
          expect(res.statusCode, `${method} ${url}`).toBe(404);
          expect(res.json()).toMatchObject({ success: false, errorCode: 'RESOURCE_NOT_FOUND' });
        }
        expect((await banyan.app.inject({ method: 'GET', url: '/actuator/health' })).statusCode).toBe(200);
        const metrics = await banyan.app.inject({ method: 'GET', url: '/actuator/prometheus' });
        expect(metrics.statusCode).toBe(200);
        expect(metrics.headers['content-type']).toContain('text/plain');
        expect(metrics.body).toContain(`banyan_process_cpu_seconds_total{role="${role}"}`);
        if (role === 'worker') expect(metrics.body).toMatch(/banyan_reward_worker_outcomes\{outcome="paid",role="worker"\} 0/);
      } finally {
        await banyan.close();
      }
    },
  );

  it('When role api is asked for the public API, Then it serves it', async () => {
    const config = loadConfig({ ...natsEnv(), ...databaseEnv, NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO_DATA: 'true' });
    const banyan = await createBanyan(config, { role: 'api' });
    try {
      const res = await banyan.app.inject({
        method: 'POST',
        url: '/api/v1/promotions/evaluate',
        payload: { customerId: 'C1', accountType: 'VIP', annualIncome: 2_500_000, creditScore: 780 },
      });
      expect(res.statusCode, res.body).toBe(200);
    } finally {
      await banyan.close();
    }
  });
});
