import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { fromJson } from '../../src/platform/db/sql.js';
import { createTestDatabase, DB_KIND, testConfig, type TestDatabase } from '../helpers/app.js';

const VIP = { customerId: 'CRASH', accountType: 'VIP', annualIncome: 2_500_000, creditScore: 780, region: '台北市' };

/** Start `banyan serve` as a child process and resolve with its base URL once it listens. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"address":"(http:\/\/[^"]+)"/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}:\n${out}`)));
  });
}

describe(`crash safety of the audit trail (${DB_KIND})`, () => {
  let testDb: TestDatabase;
  let database: Database | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('after SIGKILL mid-load, every answered request is fully recorded and nothing is half-written', async () => {
    const env = { ...testDb.env, AUDIT_FLUSH_MS: '2' };
    const first = await serve(env);
    const pool = new Pool(first.url, { connections: 16 });
    const answered: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const id = randomUUID();
        try {
          const res = await pool.request({
            method: 'POST',
            path: '/api/v1/promotions/evaluate',
            headers: { 'content-type': 'application/json', 'x-request-id': id },
            body: JSON.stringify(VIP),
          });
          await res.body.text();
          // The request id is the server's (the client's id is only a correlation id).
          if (res.statusCode === 200) answered.push(String(res.headers['x-request-id']));
        } catch {
          return; // the server died under us
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await new Promise((r) => setTimeout(r, 2500));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await pool.close().catch(() => undefined);
    expect(answered.length).toBeGreaterThan(50);
    process.stderr.write(`crash test (${DB_KIND}): ${answered.length} requests answered 200 before SIGKILL\n`);

    // Restart on the same database: it must come up (WAL recovery / PostgreSQL) and serve.
    const second = await serve(env);
    const after = await fetch(`${second.url}/api/v1/promotions/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(VIP),
    });
    expect(after.status).toBe(200);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    database = openDatabase(testConfig(testDb).database);
    const db = database.db;
    const logs = await db.selectFrom('request_logs').select('request_id').execute();
    const trails = await db
      .selectFrom('audit_trails')
      .select(['request_id', 'operation_details'])
      .where('operation_type', '=', 'PROMOTION_EVALUATION')
      .execute();
    const steps = await db.selectFrom('decision_steps').select(['request_id']).execute();
    const stepCount = new Map<string, number>();
    for (const s of steps) stepCount.set(s.request_id, (stepCount.get(s.request_id) ?? 0) + 1);
    const trailSteps = new Map(trails.map((t) => [t.request_id, fromJson<{ stepCount: number }>(t.operation_details).stepCount]));
    const logged = new Set(logs.map((l) => l.request_id));

    // Every 200 has its request log, trail and all its steps.
    for (const id of answered) {
      expect(logged.has(id), `request log of ${id}`).toBe(true);
      expect(trailSteps.get(id), `trail of ${id}`).toBeGreaterThan(0);
      expect(stepCount.get(id), `steps of ${id}`).toBe(trailSteps.get(id));
    }
    // Nothing half-written: no request log without its trail and all its steps, and vice versa.
    for (const id of logged) {
      expect(trailSteps.has(id), `trail for logged ${id}`).toBe(true);
      expect(stepCount.get(id) ?? 0).toBe(trailSteps.get(id));
    }
    expect(trails.length).toBe(logs.length);
    const events = await db.selectFrom('system_events').select('event_type').execute();
    const count = (type: string) => events.filter((e) => e.event_type === type).length;
    expect(count('SYSTEM_START')).toBe(2);
    expect(count('SYSTEM_STOP')).toBe(1); // the SIGKILLed process could not say goodbye
    const verify = await import('../../src/audit/verify.js').then((m) => m.verifyChain(db, {}));
    expect(verify.verified).toBe(true);
  }, 120_000);
});
