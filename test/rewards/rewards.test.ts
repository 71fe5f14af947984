import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { countByStatus } from '../../src/rewards/payouts.repository.js';
import { createReward, getReward, listRewards, retryReward, RewardNotRetryableError, type CreateRewardInput } from '../../src/rewards/rewards.repository.js';
import { HTTP_STATUS } from '../../src/platform/http/errors.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { deleteStream, eventually, natsEnv, requireNats, USE_NATS } from '../helpers/nats.js';

const env = {
  ...natsEnv(),
  DEMO_DATA: 'false',
  OUTBOX_POLL_MS: '50',
  REWARD_RETRY_BASE_MS: '20',
  REWARD_RETRY_MAX_MS: '100',
  REWARD_SWEEP_MS: '300',
  REWARD_LEASE_MS: '1000',
  REWARD_MAX_ATTEMPTS: '3',
};

let app: TestApp;
let walletUrl: string;
const callbacks: { headers: IncomingHttpHeaders; body: string }[] = [];
const callbackServer = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    callbacks.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  if (USE_NATS) await requireNats();
  await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
  app = await startTestApp(env);
  walletUrl = app.modules.get('rewards').walletUrl ?? '';
});

afterAll(async () => {
  await app?.destroy();
  await deleteStream(env);
  callbackServer.close();
});

let seq = 0;
function input(overrides: Partial<CreateRewardInput> = {}): CreateRewardInput {
  seq++;
  return {
    tenantId: 'tenant-a',
    campaignId: 'camp-1',
    playerId: `p-${seq}`,
    eventId: `ev-${seq}`,
    amount: '10.50',
    currency: 'USD',
    rewardType: 'CASH',
    ...overrides,
  };
}

const create = (i: CreateRewardInput) => app.database.db.transaction().execute((trx) => createReward(trx, i));
const reward = async (id: string) => (await getReward(app.database.db, 'tenant-a', id))!;
const wallet = async (control: Record<string, unknown>) => {
  const res = await request(`${walletUrl}/_control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'wallet', ...control }),
  });
  await res.body.dump();
};
const walletStats = async () => (await (await request(`${walletUrl}/wallet/stats`)).body.json()) as { credits: number; distinctKeys: number };

describe(`rewards worker (${USE_NATS ? 'NATS JetStream' : 'in-process bus'})`, () => {
  it('pays a reward created in a transaction exactly once and records the wallet transaction', async () => {
    const before = await walletStats();
    const { id, created } = await create(input({ amount: '10.50' }));
    expect(created).toBe(true);
    await eventually(async () => (await reward(id)).status === 'PAID', 10_000, 'reward paid');
    const paid = await reward(id);
    expect(paid.walletTransactionId).toMatch(/^wtx_/);
    expect(paid.amount).toBe('10.50');
    expect(paid.paidAt).not.toBeNull();
    const res = await request(`${walletUrl}/wallet/credits?playerId=${paid.playerId}`);
    const { credits } = (await res.body.json()) as { credits: { transactionId: string; idempotencyKey: string; amount: string }[] };
    expect(credits).toEqual([expect.objectContaining({ transactionId: paid.walletTransactionId, idempotencyKey: id, amount: '10.5' })]);
    expect((await walletStats()).credits).toBe(before.credits + 1);
  });

  it('Given two tenants each with player "shared-player", When both are rewarded, Then the wallet credits two accounts (tenant + player), never one', async () => {
    await wallet({ mode: 'ok' });
    const playerId = `shared-player-${Date.now()}`;
    const a = await create(input({ tenantId: 'tenant-a', playerId, eventId: 'same-event', amount: '10.00' }));
    const b = await create(input({ tenantId: 'tenant-b', playerId, eventId: 'same-event', amount: '3.00' }));
    await eventually(async () => (await getReward(app.database.db, 'tenant-a', a.id))?.status === 'PAID', 10_000, 'tenant-a reward paid');
    await eventually(async () => (await getReward(app.database.db, 'tenant-b', b.id))?.status === 'PAID', 10_000, 'tenant-b reward paid');
    type Credit = { tenantId: string; playerId: string; balance: string; idempotencyKey: string };
    const list = async (tenantId: string) =>
      ((await (await request(`${walletUrl}/wallet/credits?tenantId=${tenantId}&playerId=${playerId}`)).body.json()) as { credits: Credit[] }).credits;
    // Each tenant's player sees only its own credit, and its balance holds only its own money.
    expect(await list('tenant-a')).toEqual([expect.objectContaining({ tenantId: 'tenant-a', balance: '10', idempotencyKey: a.id })]);
    expect(await list('tenant-b')).toEqual([expect.objectContaining({ tenantId: 'tenant-b', balance: '3', idempotencyKey: b.id })]);
  });

  it('is idempotent per (tenant, campaign, event, player): a repeat returns the same reward and writes no second event', async () => {
    const i = input();
    const first = await create(i);
    const second = await create(i);
    expect(second).toEqual({ id: first.id, created: false });
    const events = await app.database.db.selectFrom('outbox_events').select('payload').where('message_key', '=', i.playerId).execute();
    expect(events).toHaveLength(1);
  });

  it('never writes a reward or an event when the caller rolls back', async () => {
    const i = input();
    await expect(
      app.database.db.transaction().execute(async (trx) => {
        await createReward(trx, i);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const rows = await app.database.db.selectFrom('rewards').select('id').where('player_id', '=', i.playerId).execute();
    const events = await app.database.db.selectFrom('outbox_events').select('id').where('message_key', '=', i.playerId).execute();
    expect(rows).toHaveLength(0);
    expect(events).toHaveLength(0);
  });

  it('rejects a float-like or negative amount, a bad currency and an unknown type', async () => {
    await expect(create(input({ amount: '1e3' }))).rejects.toThrow(/amount/);
    await expect(create(input({ amount: '-1' }))).rejects.toThrow(/amount/);
    await expect(create(input({ currency: 'usd' }))).rejects.toThrow(/currency/);
    await expect(create(input({ rewardType: 'CAR' as never }))).rejects.toThrow(/rewardType/);
  });

  it('retries a failing wallet with backoff and pays once it recovers', async () => {
    await wallet({ mode: 'fail' });
    const { id } = await create(input());
    await eventually(async () => (await reward(id)).attempts >= 2, 10_000, 'two attempts');
    expect((await reward(id)).lastError).toMatch(/wallet 503/);
    await wallet({ mode: 'ok' });
    // The reward may have exhausted its attempts meanwhile; a FAILED one is retried by hand.
    await eventually(
      async () => {
        const r = await reward(id);
        if (r.status === 'FAILED') await retryReward(app.database.db, 'tenant-a', id);
        return r.status === 'PAID';
      },
      15_000,
      'reward paid after recovery',
    );
    const credits = (await (await request(`${walletUrl}/wallet/credits?playerId=${(await reward(id)).playerId}`)).body.json()) as { credits: unknown[] };
    expect(credits.credits).toHaveLength(1);
  });

  it('moves a reward to FAILED after REWARD_MAX_ATTEMPTS, and retry makes it PENDING and pays it', async () => {
    await wallet({ mode: 'fail' });
    const { id } = await create(input());
    await eventually(async () => (await reward(id)).status === 'FAILED', 15_000, 'reward failed');
    const failed = await reward(id);
    expect(failed.attempts).toBe(3);
    expect(failed.lastError).toMatch(/gave up after 3 attempts: wallet 503/);
    const failedEvents = await app.database.db.selectFrom('outbox_events').select('payload').where('message_key', '=', failed.playerId).execute();
    expect(failedEvents.map((e) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload).event)).toContain('reward.failed');

    await wallet({ mode: 'ok' });
    const retried = await retryReward(app.database.db, 'tenant-a', id);
    expect(retried).toMatchObject({ status: 'PENDING', attempts: 0, lastError: null });
    await eventually(async () => (await reward(id)).status === 'PAID', 10_000, 'retried reward paid');
  });

  it('refuses to retry a reward that is not FAILED (422) and reports an unknown one as not found', async () => {
    const { id } = await create(input());
    await eventually(async () => (await reward(id)).status === 'PAID', 10_000, 'paid');
    const error = await retryReward(app.database.db, 'tenant-a', id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RewardNotRetryableError);
    // Errors carry no HTTP status (platform/errors.ts); the code's status is the HTTP layer's mapping.
    expect(error).toMatchObject({ code: 'BUSINESS_RULE_VIOLATION', rewardStatus: 'PAID' });
    expect(HTTP_STATUS[(error as RewardNotRetryableError).code]).toBe(422);
    await expect(retryReward(app.database.db, 'tenant-a', 'nope')).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    await expect(retryReward(app.database.db, 'tenant-b', id)).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    expect(HTTP_STATUS.RESOURCE_NOT_FOUND).toBe(404);
  });

  it("takes over a crashed worker's claim once its lease expires", async () => {
    await wallet({ mode: 'ok' });
    const db = app.database.db;
    // A worker claimed the reward and died: PROCESSING with a lease in the past, and its message long acknowledged.
    const i = input();
    const id = await db.transaction().execute(async (trx) => {
      const { id } = await createReward(trx, i);
      // Its fact (keyed by player) and its work item (keyed by reward) are long gone.
      await trx.deleteFrom('outbox_events').where('message_key', 'in', [i.playerId, id]).execute();
      await trx.updateTable('rewards').set({ status: 'PROCESSING', attempts: 1, lease_until: '2000-01-01 00:00:00.000' }).where('id', '=', id).execute();
      return id;
    });
    await eventually(async () => (await reward(id)).status === 'PAID', 10_000, 'swept reward paid');
  });

  it("POSTs a callback signed with the tenant's secret to the tenant's callback URL when a reward is paid", async () => {
    const { port } = callbackServer.address() as AddressInfo;
    await app.modules.get('tenants').create({ id: 'tenant-cb', name: 'Callbacks' });
    const { secret } = await app.modules.get('tenants').setCallback('tenant-cb', `http://127.0.0.1:${port}/hook`);
    const { id } = await create(input({ tenantId: 'tenant-cb' }));
    await eventually(() => callbacks.some((c) => c.body.includes(id)), 10_000, 'callback');
    const call = callbacks.find((c) => c.body.includes(id))!;
    const expected = `sha256=${createHmac('sha256', secret ?? '')
      .update(call.body)
      .digest('hex')}`;
    expect(call.headers['x-banyan-signature']).toBe(expected);
    expect(call.headers['x-banyan-event-id']).toBeTruthy();
    const body = JSON.parse(call.body) as { type: string; reward: { rewardId: string; status: string; amount: string; walletTransactionId: string } };
    expect(body).toMatchObject({ type: 'reward.paid', reward: { rewardId: id, status: 'PAID', amount: '10.50' } });
    expect(body.reward.walletTransactionId).toBe((await getReward(app.database.db, 'tenant-cb', id))?.walletTransactionId);
  });

  it('lists rewards by tenant with player and status filters and paging', async () => {
    await create(input({ tenantId: 'tenant-list', playerId: 'pl-1' }));
    await create(input({ tenantId: 'tenant-list', playerId: 'pl-1' }));
    await create(input({ tenantId: 'tenant-list', playerId: 'pl-2' }));
    const all = await listRewards(app.database.db, 'tenant-list', { page: 0, size: 2 });
    expect(all.totalElements).toBe(3);
    expect(all.content).toHaveLength(2);
    expect(all.totalPages).toBe(2);
    const one = await listRewards(app.database.db, 'tenant-list', { playerId: 'pl-1', page: 0, size: 10 });
    expect(one.totalElements).toBe(2);
    await eventually(
      async () => (await listRewards(app.database.db, 'tenant-list', { status: 'PAID', page: 0, size: 10 })).totalElements === 3,
      10_000,
      'all paid',
    );
    expect((await listRewards(app.database.db, 'tenant-a', { playerId: 'pl-1', page: 0, size: 10 })).totalElements).toBe(0);
    const counts = await countByStatus(app.database.db);
    expect(counts.PROCESSING).toBe(0);
  });
});
