/**
 * Exactly-once payment under crashes: 1,000 rewards, a worker process SIGKILLed and restarted
 * every ~2 s, and (with NATS) the broker stopped for a few seconds mid-run while half of the
 * rewards are being created. At the end the wallet has credited every reward once (one credit per
 * idempotency key) and the database agrees (1,000 PAID, each with the wallet's transaction id).
 *
 * PostgreSQL + a private nats-server (own port and store dir) when TEST_DATABASE=postgres;
 * SQLite + the in-process bus otherwise (there the sweep recovers what a killed process held in memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { allMigrations } from '../../src/migrations.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { loadConfig } from '../../src/platform/config.js';
import { countByStatus } from '../../src/rewards/payouts.repository.js';
import { createReward } from '../../src/rewards/rewards.repository.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/app.js';
import { deleteStream, freePort, natsEnv, NatsServer, USE_NATS } from '../helpers/nats.js';

// 1,000 on PostgreSQL; SQLite (one writer, fsync per commit) gets a smaller batch to stay within the time budget.
const TOTAL = USE_NATS ? 1000 : 300;
const log = (msg: string) => process.stderr.write(`[exactly-once] ${msg}\n`);

let testDb: TestDatabase;
let database: Database;
let sandbox: RunningSandbox;
let nats: NatsServer | undefined;
let env: Record<string, string>;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', ...testDb.env });
  database = openDatabase(config.database);
  await migrateToLatest(database, allMigrations);
  // A slow, slightly flaky wallet: payments take long enough that kills land mid-flight, and some need retries.
  // Paced so the run always spans several kill intervals however fast the machine is (SQLite: ~55 payments/s).
  sandbox = await startSandbox({ services: { wallet: { latencyMs: USE_NATS ? 40 : 50, jitterMs: USE_NATS ? 60 : 40, failureRate: 0.03 } }, seed: 7 });
  if (USE_NATS) {
    nats = new NatsServer(await freePort());
    await nats.start();
  }
  env = {
    ...process.env,
    ...testDb.env,
    ...(nats ? natsEnv(nats.url) : {}),
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DEMO_DATA: 'false',
    WALLET_URL: sandbox.url,
    WALLET_TIMEOUT_MS: '1000',
    OUTBOX_POLL_MS: '100',
    REWARD_CONCURRENCY: USE_NATS ? '8' : '4',
    REWARD_LEASE_MS: '1500',
    REWARD_ACK_WAIT_MS: '2000',
    REWARD_SWEEP_MS: '1000',
    REWARD_MAX_ATTEMPTS: '100',
    REWARD_RETRY_BASE_MS: '50',
    REWARD_RETRY_MAX_MS: '500',
  } as Record<string, string>;
}, 60_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await sandbox?.close();
  await database?.close();
  if (nats) {
    await deleteStream(env).catch(() => undefined);
    await nats.destroy();
  }
  await testDb?.drop();
});

async function createRewards(from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 100) {
    await database.db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(to, start + 100); i++) {
        await createReward(trx, {
          tenantId: 'tenant-x',
          campaignId: 'camp-eo',
          playerId: `player-${i % 97}`,
          eventId: `event-${i}`,
          amount: `${1 + (i % 50)}.${String(i % 100).padStart(2, '0')}`,
          currency: 'EUR',
          rewardType: 'CASH',
        });
      }
    });
  }
}

/** Start a worker; resolves when it logged that it is ready. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--role', 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  worker = child;
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Banyan is ready')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready:\n${out.slice(-2000)}`)));
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  return exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it(`pays ${TOTAL} rewards exactly once while the worker is SIGKILLed every ~2 s${USE_NATS ? ' and NATS goes down' : ''}`, async () => {
  await createRewards(0, TOTAL / 2);
  const startedAt = Date.now();
  let kills = 0;
  let outage = false;
  const secondHalf = (async () => {
    await sleep(3000);
    if (nats) {
      log('stopping NATS');
      await nats.stop();
      outage = true;
    }
    // Created while the broker is down: the outbox holds them until it is back.
    await createRewards(TOTAL / 2, TOTAL);
    if (nats) {
      await sleep(4000);
      log('starting NATS');
      await nats.start();
    }
  })();

  for (;;) {
    const child = await startWorker();
    const paid = (await countByStatus(database.db)).PAID;
    if (paid >= TOTAL) {
      await secondHalf;
      await kill(child, 'SIGTERM');
      break;
    }
    await sleep(1500 + Math.random() * 1000);
    const counts = await countByStatus(database.db);
    if (counts.PAID >= TOTAL) {
      await kill(child, 'SIGTERM');
      break;
    }
    await kill(child, 'SIGKILL');
    kills++;
    log(`kill #${kills} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
    if (Date.now() - startedAt > 110_000) throw new Error(`not done after 110 s: ${JSON.stringify(counts)}`);
  }
  await secondHalf;

  const wallet = (await (await request(`${sandbox.url}/wallet/stats`)).body.json()) as {
    credits: number;
    distinctKeys: number;
    duplicatesRejected: number;
    conflicts: number;
    total: string;
  };
  const { credits } = (await (await request(`${sandbox.url}/wallet/credits`)).body.json()) as {
    credits: { idempotencyKey: string; transactionId: string; amount: string }[];
  };
  const rows = await database.db.selectFrom('rewards').select(['id', 'status', 'wallet_transaction_id', 'amount']).execute();
  log(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s, ${kills} kills, outage ${outage}; wallet ${JSON.stringify(wallet)}`);

  expect(kills).toBeGreaterThanOrEqual(2);
  if (nats) expect(outage).toBe(true);
  expect(rows).toHaveLength(TOTAL);
  expect(rows.filter((r) => r.status === 'PAID')).toHaveLength(TOTAL);
  // Every reward credited once: one credit per key, no key twice, no conflicting reuse.
  expect(wallet.credits).toBe(TOTAL);
  expect(wallet.distinctKeys).toBe(TOTAL);
  expect(wallet.conflicts).toBe(0);
  expect(new Set(credits.map((c) => c.idempotencyKey)).size).toBe(TOTAL);
  // The database agrees with the wallet, reward by reward.
  const byKey = new Map(credits.map((c) => [c.idempotencyKey, c]));
  for (const row of rows) {
    const credit = byKey.get(row.id);
    expect(credit?.transactionId, row.id).toBe(row.wallet_transaction_id);
    expect(new Decimal(credit?.amount ?? 0).eq(row.amount), row.id).toBe(true);
  }
  expect(new Decimal(wallet.total).eq(rows.reduce((sum, r) => sum.plus(r.amount), new Decimal(0)))).toBe(true);
}, 150_000);
