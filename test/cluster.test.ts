import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { planWorkers } from '../src/cli/cluster.js';
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
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

describe('cluster plan', () => {
  it('gives worker 0 the requested role and the demo, the others the API only, and one shared JWT key', () => {
    const plans = planWorkers(3, 'all', { natsUrl: undefined, jwt: { secret: undefined, ttlSeconds: 900 } }, 'k'.repeat(64));
    expect(plans.map((p) => p.role)).toEqual(['all', 'api', 'api']);
    expect(plans[0]?.env).toEqual({ BANYAN_WORKER_INDEX: '0', JWT_SECRET: 'k'.repeat(64) });
    expect(plans[2]?.env).toMatchObject({ BANYAN_WORKER_INDEX: '2', DEMO_DATA: 'false', SANDBOX_ENABLED: 'false', BANYAN_RELAY: 'false', JWT_SECRET: 'k'.repeat(64) });
    // With NATS every worker relays; a configured JWT_SECRET is left alone.
    const nats = planWorkers(2, 'api', { natsUrl: 'nats://x:4222', jwt: { secret: 's'.repeat(40), ttlSeconds: 900 } }, 'unused');
    expect(nats[1]?.env).toMatchObject({ BANYAN_RELAY: 'true' });
    expect(nats[1]?.env).not.toHaveProperty('JWT_SECRET');
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

  it('Given HTTP_WORKERS=2, When load arrives and a worker is killed, Then both serve one port, the dead one is replaced, the audit chain stays whole and SIGTERM stops all', async () => {
    const cluster = await serveCluster({ ...testDb.env, BANYAN_ADMIN_PASSWORD: 'admin123' }, 2);
    const primary = cluster.child.pid ?? 0;
    try {
      const workers = childrenOf(primary);
      expect(workers).toHaveLength(2);
      // Both workers listen on the one address the primary chose.
      const addresses = new Set([...cluster.output().matchAll(/"address":"(http:\/\/[^"]+)"/g)].map((m) => m[1]));
      expect(addresses.size).toBe(1);

      // Concurrent evaluations over many connections reach both workers; every one is audited.
      const pool = new Pool(cluster.url, { connections: 16 });
      const evaluate = async () => {
        const res = await pool.request({ method: 'POST', path: '/api/v1/promotions/evaluate', headers: { 'content-type': 'application/json' }, body: JSON.stringify(VIP) });
        const body = (await res.body.json()) as { data: { promotionId: string } };
        expect(res.statusCode).toBe(200);
        return body.data.promotionId;
      };
      const ids = await Promise.all(Array.from({ length: 200 }, evaluate));
      expect(new Set(ids)).toEqual(new Set(['promo-vip-001']));

      // Kill one worker: the primary forks a replacement and the service keeps answering.
      const victim = workers[1] ?? 0;
      process.kill(victim, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      let replaced: number[] = [];
      while (Date.now() < deadline) {
        replaced = childrenOf(primary);
        if (replaced.length === 2 && !replaced.includes(victim) && (cluster.output().match(/"msg":"Banyan is ready"/g) ?? []).length >= 3) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(replaced).toHaveLength(2);
      expect(replaced).not.toContain(victim);
      expect(cluster.output()).toContain('worker died; restarting it in 1 s');
      await Promise.all(Array.from({ length: 50 }, evaluate));
      await pool.close();

      // Two processes wrote the hash chain concurrently: it is one gap-free chain.
      const verify = await fetch(`${cluster.url}/api/v1/audit/verify`, { headers: { authorization: ADMIN } });
      const report = (await verify.json()) as { data: { verified: boolean; checked: number } };
      expect(verify.status).toBe(200);
      expect(report.data.verified).toBe(true);
      expect(report.data.checked).toBeGreaterThanOrEqual(250);
    } finally {
      cluster.child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => cluster.child.once('exit', r));
      expect(code).toBe(0);
    }
    expect(childrenOf(primary)).toEqual([]);
  }, 120_000);
});
