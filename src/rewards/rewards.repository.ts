/**
 * Rewards: the promise to pay (PENDING), a worker's claim on it (PROCESSING, with a lease), and
 * the outcome (PAID with the wallet's transaction id, or FAILED with the reason). Every state
 * change is one conditional UPDATE; every change other modules care about writes a
 * `promotion.event.reward` outbox event in the same transaction.
 */
import { Decimal } from 'decimal.js';
import { sql, type Expression, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { insertRowWhen } from '../platform/db/insert-when.js';
import { fromJson, newId, toDbTimestamp, toJson } from '../platform/db/sql.js';
import { dbToIso, isoInstant } from '../platform/time.js';
import type { Tables } from '../platform/db/tables.js';
import { AppError } from '../platform/errors.js';
import { enqueueEvents, enqueueWhen, TOPICS, WORK, type OutboxEventInput } from '../platform/outbox/outbox.js';
import { pageOf, type Page } from '../platform/paging.js';
import { REWARD_STATUSES, REWARD_TYPES, type RewardStatus, type RewardType, type RewardsTable } from './rewards.tables.js';

export { REWARD_STATUSES, REWARD_TYPES, type RewardStatus, type RewardType };

type Db = Kysely<Tables>;
type Row = Selectable<RewardsTable>;

export interface CreateRewardInput {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly playerId: string;
  readonly eventId: string;
  /** Decimal string, e.g. "10.50"; never a float. */
  readonly amount: string;
  readonly currency: string;
  readonly rewardType: RewardType;
  readonly quantity?: number | null;
  readonly metadata?: object;
}

export interface Reward {
  readonly id: string;
  readonly tenantId: string;
  readonly campaignId: string;
  readonly playerId: string;
  readonly eventId: string;
  readonly amount: string;
  readonly currency: string;
  readonly rewardType: RewardType;
  readonly quantity: number | null;
  readonly status: RewardStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly walletTransactionId: string | null;
  readonly paidAt: string | null;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the published fact `promotion.event.reward` carries. `event` says which change it announces. */
export interface RewardEventPayload {
  readonly event: 'reward.created' | 'reward.retried' | 'reward.paid' | 'reward.failed';
  readonly rewardId: string;
  readonly tenantId: string;
  readonly campaignId: string;
  readonly playerId: string;
  readonly eventId: string;
  readonly amount: string;
  readonly currency: string;
  readonly rewardType: RewardType;
  readonly quantity: number | null;
  readonly status: RewardStatus;
  readonly walletTransactionId?: string;
  readonly reason?: string;
  readonly occurredAt: string;
}

export class InvalidRewardError extends AppError {
  constructor(message: string) {
    super('VALIDATION_FAILED', message);
  }
}

/** Retry is only for FAILED rewards; anything else is a business-rule violation (422). */
export class RewardNotRetryableError extends AppError {
  constructor(
    readonly rewardId: string,
    readonly rewardStatus: RewardStatus,
  ) {
    super('BUSINESS_RULE_VIOLATION', {
      zh: `獎勵狀態為 ${rewardStatus}，只有 FAILED 的獎勵可以重試`,
      en: `Reward ${rewardId} is ${rewardStatus}; only FAILED rewards can be retried`,
    });
  }
}

const AMOUNT = /^\d{1,15}(\.\d{1,8})?$/;

/** Canonical decimal text with at least two decimals: "10.5", "10.50" and NUMERIC's "10.50000000" are all "10.50". */
export function canonicalAmount(value: string): string {
  const d = new Decimal(value);
  return d.toFixed(Math.max(2, d.decimalPlaces()));
}

function validate(input: CreateRewardInput): void {
  if (!AMOUNT.test(input.amount) || new Decimal(input.amount).lte(0))
    throw new InvalidRewardError(`amount must be a positive decimal string (got '${input.amount}')`);
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new InvalidRewardError(`currency must be an ISO 4217 code (got '${input.currency}')`);
  if (!(REWARD_TYPES as readonly string[]).includes(input.rewardType)) throw new InvalidRewardError(`rewardType must be one of ${REWARD_TYPES.join(', ')}`);
  if (input.quantity != null && (!Number.isInteger(input.quantity) || input.quantity < 0))
    throw new InvalidRewardError('quantity must be a non-negative integer');
}

export function toReward(row: Row): Reward {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    campaignId: row.campaign_id,
    playerId: row.player_id,
    eventId: row.event_id,
    amount: canonicalAmount(row.amount),
    currency: row.currency,
    rewardType: row.reward_type,
    quantity: row.quantity,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    walletTransactionId: row.wallet_transaction_id,
    paidAt: dbToIso(row.paid_at),
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    createdAt: dbToIso(row.created_at) ?? '',
    updatedAt: dbToIso(row.updated_at) ?? '',
  };
}

export function rewardEvent(
  reward: Reward,
  event: RewardEventPayload['event'],
  extra: { walletTransactionId?: string; reason?: string } = {},
): RewardEventPayload {
  return {
    event,
    rewardId: reward.id,
    tenantId: reward.tenantId,
    campaignId: reward.campaignId,
    playerId: reward.playerId,
    eventId: reward.eventId,
    amount: reward.amount,
    currency: reward.currency,
    rewardType: reward.rewardType,
    quantity: reward.quantity,
    status: reward.status,
    ...extra,
    occurredAt: isoInstant(new Date()),
  };
}

/** What `banyan.work.reward.pay` carries: a reward to pay, for the reward worker only. */
export interface RewardPayWork {
  readonly rewardId: string;
  readonly tenantId: string;
  readonly cause: 'created' | 'retried';
}

/** What `banyan.work.reward.callback` carries: a paid reward's callback, for the callback sender only. */
export interface RewardCallbackWork {
  /** The outbox id of the `reward.paid` fact: the callback's `id` (`X-Banyan-Event-Id`). */
  readonly factId: string;
  readonly reward: RewardEventPayload;
}

/** The work item "pay this reward", keyed by the reward (one queue entry per reward and cause). */
export function rewardPayWork(rewardId: string, tenantId: string, cause: RewardPayWork['cause']): OutboxEventInput {
  const payload: RewardPayWork = { rewardId, tenantId, cause };
  return { topic: WORK.rewardPay, tenantId, key: rewardId, payload };
}

/** The published fact `promotion.event.reward` for a change of `reward`. */
export function rewardFact(
  reward: Reward,
  event: RewardEventPayload['event'],
  extra?: { walletTransactionId?: string; reason?: string },
): OutboxEventInput & { readonly payload: RewardEventPayload } {
  return { topic: TOPICS.promotionReward, tenantId: reward.tenantId, key: reward.playerId, payload: rewardEvent(reward, event, extra) };
}

/** A new or retried reward: the published fact and the worker's work item, in one INSERT. */
async function announce(trx: Db, reward: Reward, event: 'reward.created' | 'reward.retried'): Promise<void> {
  await enqueueEvents(trx, [rewardFact(reward, event), rewardPayWork(reward.id, reward.tenantId, event === 'reward.created' ? 'created' : 'retried')]);
}

/**
 * A new PENDING reward's row and the `reward.created` payload announcing it, validated, for a
 * writer that inserts both itself (the PostgreSQL one-statement ingestion path).
 */
function newPendingReward(input: CreateRewardInput): { row: Row; payload: RewardEventPayload } {
  validate(input);
  const now = toDbTimestamp();
  const row: Row = {
    id: newId(),
    tenant_id: input.tenantId,
    campaign_id: input.campaignId,
    player_id: input.playerId,
    event_id: input.eventId,
    amount: canonicalAmount(input.amount),
    currency: input.currency,
    reward_type: input.rewardType,
    quantity: input.quantity ?? null,
    status: 'PENDING',
    attempts: 0,
    last_error: null,
    wallet_transaction_id: null,
    paid_at: null,
    metadata: toJson(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
    next_attempt_at: now,
    lease_until: null,
  };
  return { row, payload: rewardEvent(toReward(row), 'reward.created') };
}

/**
 * A new PENDING reward, its `reward.created` fact and its `banyan.work.reward.pay` work item in
 * another module's one-statement write (PostgreSQL), when `when` holds: `insert` (returning the
 * reward's id when written), the outbox's `events` CTEs gated on it (named `<eventsAs>0`, …), and
 * `notify` after them (see `enqueueWhen`). Names: `insertedAs` for `insert`, `eventsAs` for the events.
 */
export function insertPendingWhen(db: Db, input: CreateRewardInput, when: Expression<SqlBool>, insertedAs: string, eventsAs: string) {
  const { row, payload } = newPendingReward(input);
  const outbox = enqueueWhen(
    db,
    [{ topic: TOPICS.promotionReward, tenantId: input.tenantId, key: input.playerId, payload }, rewardPayWork(row.id, input.tenantId, 'created')],
    sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table(insertedAs)})`,
    eventsAs,
  );
  return { id: row.id, insert: insertRowWhen(db, 'rewards', row, when).returning('id'), events: outbox.ctes, notify: outbox.notify };
}

/**
 * Write a PENDING reward, its `promotion.event.reward` fact and its `banyan.work.reward.pay` work
 * item in the caller's transaction.
 * Idempotent per (tenant, campaign, event, player): a repeat returns the existing id with
 * `created: false` and writes no second event.
 */
export async function createReward(trx: Db, input: CreateRewardInput): Promise<{ id: string; created: boolean }> {
  const { row } = newPendingReward(input);
  const inserted = await trx
    .insertInto('rewards')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'campaign_id', 'event_id', 'player_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('rewards')
      .select('id')
      .where('tenant_id', '=', input.tenantId)
      .where('campaign_id', '=', input.campaignId)
      .where('event_id', '=', input.eventId)
      .where('player_id', '=', input.playerId)
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  }
  await announce(trx, toReward(inserted), 'reward.created');
  return { id: inserted.id, created: true };
}

export async function listRewards(
  db: Db,
  tenantId: string,
  // `status` is matched as given: a value that is no status matches nothing.
  // `from`/`to` are database timestamps on createdAt, inclusive.
  filter: {
    playerId?: string;
    campaignId?: string;
    status?: RewardStatus | (string & {});
    rewardType?: string;
    eventId?: string;
    from?: string;
    to?: string;
    page: number;
    size: number;
  },
): Promise<Page<Reward>> {
  let query = db.selectFrom('rewards').where('tenant_id', '=', tenantId);
  if (filter.playerId !== undefined) query = query.where('player_id', '=', filter.playerId);
  if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status as RewardStatus);
  if (filter.rewardType !== undefined) query = query.where('reward_type', '=', filter.rewardType as RewardType);
  if (filter.eventId !== undefined) query = query.where('event_id', '=', filter.eventId);
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<=', filter.to);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.size)
      .offset(filter.page * filter.size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
  ]);
  return pageOf(rows.map(toReward), filter.page, filter.size, Number(count?.n ?? 0));
}

export async function getReward(db: Db, tenantId: string, id: string): Promise<Reward | undefined> {
  const row = await db.selectFrom('rewards').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row ? toReward(row) : undefined;
}

/** FAILED → PENDING with a fresh set of attempts and a new outbox event; anything else is refused. */
export async function retryReward(db: Db, tenantId: string, id: string): Promise<Reward> {
  return db.transaction().execute(async (trx) => {
    const now = toDbTimestamp();
    const row = await trx
      .updateTable('rewards')
      .set({ status: 'PENDING', attempts: 0, last_error: null, next_attempt_at: now, lease_until: null, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'FAILED')
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const current = await getReward(trx, tenantId, id);
      if (!current) throw new AppError('RESOURCE_NOT_FOUND', { zh: `獎勵不存在: ${id}`, en: `Reward not found: ${id}` });
      throw new RewardNotRetryableError(id, current.status);
    }
    const reward = toReward(row);
    await announce(trx, reward, 'reward.retried');
    return reward;
  });
}
