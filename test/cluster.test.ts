import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { Writable } from 'node:stream';
import pino from 'pino';
import { planWorkers, startPrimary } from '../src/cli/cluster.js';
import { loadConfig } from '../src/platform/config.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from './helpers/app.js';

const ADMIN = `Basic ${Buffer.from('admin:admin123').toString('base64')}`;
const VIP = { customerId: 'CLUSTER', accountType: 'VIP', annualIncome: 2_500_000, creditScore: 780, region: '台北市' };

/** `banyan serve` with HTTP_WORKERS; resolves once `count` workers said they are ready. */
function serveCluster(env: Record<string, string>, count: number): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', HTTP_WORKERS: String(count), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${out}`)), 90_000);
    const check = () => {
      const ready = [...out.matchAll(/"address":"(http:\/\/[^"]+)".*?"worker":(\d+).*?"msg":"Banyan is ready"/g)];
      if (ready.length >= count && ready[0]?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: ready[0][1], output: () => out });
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      check();
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`cluster exited with ${String(code)}:\n${out}`)));
  });
}

const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};

describe('cluster plan', () => {
  it('gives worker 0 the requested role and the demo, the others the API only, and one shared JWT key', () => {
    const plans = planWorkers(3, 'all', { natsUrl: undefined, jwt: { secret: undefined, ttlSeconds: 900 } }, 'k'.repeat(64));
    expect(plans.map((p) => p.role)).toEqual(['all', 'api', 'api']);
    expect(plans[0]?.env).toEqual({ BANYAN_WORKER_INDEX: '0', BANYAN_WORKER_ROLE: 'all', JWT_SECRET: 'k'.repeat(64) });
    expect(plans[2]?.env).toMatchObject({
      BANYAN_WORKER_INDEX: '2',
      BANYAN_WORKER_ROLE: 'api',
      DEMO_DATA: 'false',
      SANDBOX_ENABLED: 'false',
      BANYAN_RELAY: 'false',
      JWT_SECRET: 'k'.repeat(64),
    });
    // With NATS every worker relays; a configured JWT_SECRET is left alone.
    const nats = planWorkers(2, 'api', { natsUrl: 'nats://x:4222', jwt: { secret: 's'.repeat(40), ttlSeconds: 900 } }, 'unused');
    expect(nats[1]?.env).toMatchObject({ BANYAN_RELAY: 'true' });
    expect(nats[1]?.env).not.toHaveProperty('JWT_SECRET');
  });

  it('Given HTTP_WORKERS, When the configuration is loaded, Then auto is the CPU count and a bad value is refused naming the variable', () => {
    expect(loadConfig({ HTTP_WORKERS: 'auto' }).httpWorkers).toBe(availableParallelism());
    expect(loadConfig({ HTTP_WORKERS: '3' }).httpWorkers).toBe(3);
    expect(loadConfig({}).httpWorkers).toBe(1);
    for (const bad of ['0', '-1', 'two', '100', '1.5']) expect(() => loadConfig({ HTTP_WORKERS: bad })).toThrow(/HTTP_WORKERS/);
  });
});

describe(`HTTP_WORKERS cluster (${DB_KIND})`, () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('Given HTTP_WORKERS=2, When load arrives and a worker is killed, Then both serve one port, the dead one is replaced and the audit chain both wrote stays whole', async () => {
    const env = { ...testDb.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', HTTP_WORKERS: '2', BANYAN_ADMIN_PASSWORD: 'admin123' };
    const config = loadConfig({ ...process.env, ...env });
    let logs = '';
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => ((logs += chunk.toString()), done()) }));
    // The primary runs here; its workers run the TypeScript CLI.
    const cluster = await startPrimary(config, 'all', logger, { exec: 'src/cli/main.ts', execArgv: ['--import', 'tsx'], args: ['serve'], env });
    const url = `http://127.0.0.1:${cluster.port}`;
    try {
      await cluster.ready;
      const before = cluster.pids();
      expect([...before.keys()].sort()).toEqual([0, 1]);
      expect(logs).toContain('"roles":["all","api"]');

      // Concurrent evaluations over many connections; every one is audited.
      const pool = new Pool(url, { connections: 16 });
      const evaluate = async () => {
        const res = await pool.request({
          method: 'POST',
          path: '/api/v1/promotions/evaluate',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(VIP),
        });
        const body = (await res.body.json()) as { data: { promotionId: string } };
        expect(res.statusCode).toBe(200);
        return body.data.promotionId;
      };
      const ids = await Promise.all(Array.from({ length: 200 }, evaluate));
      expect(new Set(ids)).toEqual(new Set(['promo-vip-001']));

      // Kill worker 1: the primary forks a replacement and the service keeps answering.
      const victim = before.get(1) ?? 0;
      process.kill(victim, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !(cluster.pids().has(1) && cluster.pids().get(1) !== victim)) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(cluster.pids().get(1)).not.toBe(victim);
      expect(cluster.pids().get(0)).toBe(before.get(0));
      expect(logs).toContain('worker died; restarting it in 1 s');
      await new Promise((r) => setTimeout(r, 500));
      await Promise.all(Array.from({ length: 50 }, evaluate));
      await pool.close();

      // Two processes wrote the hash chain concurrently: it is one gap-free chain.
      const verify = await fetch(`${url}/api/v1/audit/verify`, { headers: { authorization: ADMIN } });
      const report = (await verify.json()) as { data: { verified: boolean; checked: number } };
      expect(verify.status).toBe(200);
      expect(report.data.verified).toBe(true);
      expect(report.data.checked).toBeGreaterThanOrEqual(250);
    } finally {
      await cluster.stop(0);
    }
    expect(await cluster.finished).toBe(0);
    expect(cluster.pids().size).toBe(0);
  }, 120_000);

  it('Given `banyan serve` with HTTP_WORKERS=2 and PORT=0, When it starts and gets SIGTERM, Then both workers listen on one port and all processes exit 0', async () => {
    const cli = await serveCluster({ ...testDb.env, BANYAN_ADMIN_PASSWORD: 'admin123' }, 2);
    const primary = cli.child.pid ?? 0;
    try {
      expect(childrenOf(primary)).toHaveLength(2);
      const addresses = new Set([...cli.output().matchAll(/"address":"(http:\/\/[^"]+)"/g)].map((m) => m[1]));
      expect(addresses.size).toBe(1);
      const res = await fetch(`${cli.url}/actuator/health`);
      expect(res.status).toBe(200);
    } finally {
      cli.child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => cli.child.once('exit', r));
    expect(code).toBe(0);
    expect(childrenOf(primary)).toEqual([]);
  }, 120_000);
});
