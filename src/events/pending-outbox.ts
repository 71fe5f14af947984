/**
 * STAND-IN for the `outbox` branch (src/rewards/rewards.repository.ts, src/platform/outbox/outbox.ts),
 * with the same function signatures, so the campaign platform runs and is tested before that branch
 * lands. reward-port.ts is the only importer; when `outbox` is merged it re-exports the real
 * functions and this file and its migration are deleted (they were never released).
 */
import type { Kysely, ColumnType, Migration, Selectable } from 'kysely';
import { dialectOf, fromDbTimestamp, fromJson, jsonType, newId, timestampType, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { AppError } from '../platform/http/errors.js';
import { pageOf, type Page } from '../platform/paging.js';

export type RewardType = 'CASH' | 'BONUS' | 'FREE_SPINS' | 'POINTS';

export interface CreateRewardInput {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly playerId: string;
  readonly eventId: string;
  readonly amount: string;
  readonly currency: string;
  readonly rewardType: RewardType;
  readonly quantity?: number;
  readonly metadata?: object;
}

export interface OutboxEventInput {
  readonly topic: string;
  readonly tenantId: string;
  readonly key: string;
  readonly payload: unknown;
}

interface PendingRewardTable {
  id: string;
  tenant_id: string;
  campaign_id: string;
  player_id: string;
  event_id: string;
  amount: string;
  currency: string;
  reward_type: string;
  quantity: number | null;
  status: string;
  metadata: unknown;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}

interface PendingOutboxTable {
  id: string;
  tenant_id: string;
  topic: string;
  key: string;
  payload: unknown;
  created_at: ColumnType<string, string, never>;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    pending_rewards: PendingRewardTable;
    pending_outbox: PendingOutboxTable;
  }
}

export const pendingOutboxMigrations: Record<string, Migration> = {
  '2026_12_01_0900_pending_rewards_standin': {
    async up(db) {
      const dialect = dialectOf(db);
      await db.schema
        .createTable('pending_rewards')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('campaign_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('player_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('event_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('amount', 'varchar(40)', (c) => c.notNull())
        .addColumn('currency', 'varchar(10)', (c) => c.notNull())
        .addColumn('reward_type', 'varchar(20)', (c) => c.notNull())
        .addColumn('quantity', 'integer')
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('metadata', jsonType(dialect))
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('updated_at', timestampType(dialect), (c) => c.notNull())
        .execute();
      await db.schema.createIndex('uq_pending_reward_event').on('pending_rewards').columns(['tenant_id', 'campaign_id', 'event_id']).unique().execute();
      await db.schema.createIndex('idx_pending_reward_player').on('pending_rewards').columns(['tenant_id', 'player_id', 'created_at']).execute();
      await db.schema
        .createTable('pending_outbox')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('topic', 'varchar(100)', (c) => c.notNull())
        .addColumn('key', 'varchar(200)', (c) => c.notNull())
        .addColumn('payload', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .execute();
    },
  },
};

export async function enqueueEvent(trx: Kysely<Tables>, event: OutboxEventInput): Promise<void> {
  await trx.insertInto('pending_outbox').values({ id: newId(), tenant_id: event.tenantId, topic: event.topic, key: event.key, payload: toJson(event.payload), created_at: toDbTimestamp() }).execute();
}

export async function createReward(trx: Kysely<Tables>, input: CreateRewardInput): Promise<{ id: string }> {
  const id = newId();
  const now = toDbTimestamp();
  await trx
    .insertInto('pending_rewards')
    .values({
      id,
      tenant_id: input.tenantId,
      campaign_id: input.campaignId,
      player_id: input.playerId,
      event_id: input.eventId,
      amount: input.amount,
      currency: input.currency,
      reward_type: input.rewardType,
      quantity: input.quantity ?? null,
      status: 'PENDING',
      metadata: toJson(input.metadata ?? {}),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await enqueueEvent(trx, { topic: 'promotion.event.reward', tenantId: input.tenantId, key: input.playerId, payload: { rewardId: id, ...input } });
  return { id };
}

export interface RewardView {
  readonly id: string;
  readonly tenantId: string;
  readonly campaignId: string;
  readonly playerId: string;
  readonly eventId: string;
  readonly amount: string;
  readonly currency: string;
  readonly rewardType: string;
  readonly quantity: number | null;
  readonly status: string;
  readonly metadata: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface RewardFilter {
  readonly playerId?: string;
  readonly campaignId?: string;
  readonly status?: string;
  readonly page: number;
  readonly size: number;
}

const view = (r: Selectable<PendingRewardTable>): RewardView => ({
  id: r.id,
  tenantId: r.tenant_id,
  campaignId: r.campaign_id,
  playerId: r.player_id,
  eventId: r.event_id,
  amount: String(r.amount),
  currency: r.currency,
  rewardType: r.reward_type,
  quantity: r.quantity,
  status: r.status,
  metadata: fromJson(r.metadata),
  createdAt: fromDbTimestamp(r.created_at) ?? '',
  updatedAt: fromDbTimestamp(r.updated_at) ?? '',
});

export async function listRewards(db: Kysely<Tables>, tenantId: string, filter: RewardFilter): Promise<Page<RewardView>> {
  let q = db.selectFrom('pending_rewards').where('tenant_id', '=', tenantId);
  if (filter.playerId) q = q.where('player_id', '=', filter.playerId);
  if (filter.campaignId) q = q.where('campaign_id', '=', filter.campaignId);
  if (filter.status) q = q.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.size).offset(filter.page * filter.size).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return pageOf(rows.map(view), filter.page, filter.size, Number(count.n));
}

export async function getReward(db: Kysely<Tables>, tenantId: string, id: string): Promise<RewardView | undefined> {
  const row = await db.selectFrom('pending_rewards').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row ? view(row) : undefined;
}

export async function retryReward(db: Kysely<Tables>, tenantId: string, id: string): Promise<RewardView | undefined> {
  const result = await db.updateTable('pending_rewards').set({ status: 'PENDING', updated_at: toDbTimestamp() }).where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', 'FAILED').executeTakeFirst();
  const reward = await getReward(db, tenantId, id);
  if (reward && Number(result.numUpdatedRows) === 0) {
    throw new AppError('BUSINESS_RULE_VIOLATION', { zh: `只有失敗的獎勵可重試 (目前: ${reward.status})`, en: `Only FAILED rewards can be retried (is ${reward.status})` });
  }
  return reward;
}
