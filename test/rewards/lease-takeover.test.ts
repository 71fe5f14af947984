/**
 * A killed worker's claims are taken over within 5 s, and paid exactly once: two real worker
 * processes (`banyan serve --role worker`), the first SIGKILLed while its wallet calls hang.
 *
 * While worker A pays, it renews its claims' leases every heartbeat, so worker B (and A itself)
 * leaves them alone however long the wallet takes; once A is dead its leases run out and B takes
 * the claims over at its next heartbeat.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMigrations } from '../../src/migrations.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createReward } from '../../src/rewards/rewards.repository.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../helpers/app.js';
import { deleteStream, eventually, natsEnv, USE_NATS } from '../helpers/nats.js';

const REWARDS = 5;
const LEASE_MS = 2000;
const HEARTBEAT_MS = 500;

/**
 * The wallet, behind a switch: while `hold` is on, credit calls are accepted and never answered
 * (a wallet that hangs); otherwise they go through to the sandbox wallet.
 */
class HoldingWallet {
  hold = true;
  readonly held: { key: string; res: ServerResponse }[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));
  url = '';

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.hold) {
      this.held.push({ key: String(req.headers['idempotency-key']), res });
      return;
    }
    const answer = await request(`${this.upstream}${req.url ?? '/'}`, {
      method: req.method as 'POST',
      headers: { 'content-type': String(req.headers['content-type']), 'idempotency-key': String(req.headers['idempotency-key']) },
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(await answer.body.text());
  }

  async close(): Promise<void> {
    for (const h of this.held) h.res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

let testDb: TestDatabase;
let database: Database;
let sandbox: RunningSandbox;
let wallet: HoldingWallet;
let env: Record<string, string>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = openDatabase(loadConfig({ NODE_ENV: 'test', ...testDb.env }).database);
  await migrateToLatest(database, allMigrations);
  sandbox = await startSandbox();
  wallet = new HoldingWallet(sandbox.url);
  await wallet.start();
  env = {
    ...(process.env as Record<string, string>),
    ...testDb.env,
    ...natsEnv(),
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DEMO_DATA: 'false',
    WALLET_URL: wallet.url,
    // Longer than the whole test: A's wallet calls hang until A dies.
    WALLET_TIMEOUT_MS: '60000',
    OUTBOX_POLL_MS: '100',
    REWARD_LEASE_MS: String(LEASE_MS),
    REWARD_HEARTBEAT_MS: String(HEARTBEAT_MS),
    REWARD_SWEEP_MS: '1000',
    REWARD_RETRY_BASE_MS: '50',
  };
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await wallet?.close();
  await sandbox?.close();
  await database?.close();
  if (USE_NATS) await deleteStream(env).catch(() => undefined);
  await testDb?.drop();
});

function startWorker(name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--role', 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker ${name} not ready:\n${out.slice(-2000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Banyan is ready')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`worker ${name} exited (${String(code)}) before ready:\n${out.slice(-2000)}`)));
  });
}

const rows = () => database.db.selectFrom('rewards').select(['id', 'status', 'attempts', 'lease_until', 'wallet_transaction_id']).orderBy('id').execute();

describe(`Given two reward workers on ${DB_KIND}${USE_NATS ? ' + NATS' : ''}`, () => {
  it('When the one paying is SIGKILLed mid-payment, Then the other takes its claims over within 5 s and each reward is paid exactly once', async () => {
    const a = await startWorker('A');
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < REWARDS; i++) {
        await createReward(trx, {
          tenantId: 't-lease',
          campaignId: 'c-lease',
          playerId: `p-${i}`,
          eventId: `e-${i}`,
          amount: `${10 + i}.50`,
          currency: 'EUR',
          rewardType: 'CASH',
        });
      }
    });
    // A claims all of them and its wallet calls hang.
    await eventually(() => new Set(wallet.held.map((h) => h.key)).size === REWARDS, 30_000, 'worker A to call the wallet for every reward');

    const b = await startWorker('B');
    // Several leases long (B's start-up took longer still): A's heartbeats keep its claims, so
    // nobody has claimed them a second time, though no wallet call has finished.
    await new Promise((r) => setTimeout(r, 3 * LEASE_MS));
    const held = await rows();
    expect(held.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: REWARDS }, () => ['PROCESSING', 1]));
    expect(new Set(wallet.held.map((h) => h.key)).size).toBe(REWARDS);
    expect(wallet.held).toHaveLength(REWARDS);

    wallet.hold = false;
    const killedAt = Date.now();
    a.kill('SIGKILL');
    await eventually(async () => (await rows()).every((r) => r.status === 'PAID'), 20_000, 'worker B to pay every reward');
    const tookMs = Date.now() - killedAt;
    expect(tookMs, `took over and paid in ${tookMs} ms`).toBeLessThan(5000);

    const paid = await rows();
    // Claimed a second time (by B), paid once.
    expect(paid.map((r) => r.attempts)).toEqual(Array.from({ length: REWARDS }, () => 2));
    const stats = (await (await request(`${sandbox.url}/wallet/stats`)).body.json()) as { credits: number; distinctKeys: number; conflicts: number };
    expect(stats).toMatchObject({ credits: REWARDS, distinctKeys: REWARDS, conflicts: 0 });
    const { credits } = (await (await request(`${sandbox.url}/wallet/credits`)).body.json()) as {
      credits: { idempotencyKey: string; transactionId: string }[];
    };
    const byKey = new Map(credits.map((c) => [c.idempotencyKey, c.transactionId]));
    for (const r of paid) expect(r.wallet_transaction_id, r.id).toBe(byKey.get(r.id));
    b.kill('SIGTERM');
  }, 150_000);
});

describe('Given the default lease settings', () => {
  it('When they are loaded, Then a dead claim is taken over in under 5 s (lease + one heartbeat), and a heartbeat as long as the lease is refused', () => {
    const { rewards } = loadConfig({});
    expect(rewards.leaseMs + rewards.heartbeatMs).toBeLessThanOrEqual(4000);
    expect(rewards.heartbeatMs).toBeLessThanOrEqual(rewards.leaseMs / 2);
    expect(loadConfig({ REWARD_LEASE_MS: '1000' }).rewards.heartbeatMs).toBe(333);
    expect(() => loadConfig({ REWARD_LEASE_MS: '1000', REWARD_HEARTBEAT_MS: '1000' })).toThrow(/REWARD_HEARTBEAT_MS/);
  });
});
