/**
 * The worker's side of the rewards table. A claim is a conditional UPDATE (PENDING and due, or
 * PROCESSING with an expired lease → PROCESSING, attempts + 1); the claim's attempt number is its
 * token: an outcome is written only while the row still carries that token, so a worker whose
 * lease was taken over cannot overwrite its successor.
 */
import { sql, type Kysely, type Updateable } from 'kysely';
import { dialectOf, newId, toDbTimestamp } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { PREPARED } from '../platform/db/database.js';
import { enqueueEvent, enqueueWhen, signalEnqueued, WORK, type OutboxEventInput } from '../platform/outbox/outbox.js';
import { rewardFact, toReward, type Reward, type RewardCallbackWork, type RewardEventPayload } from './rewards.repository.js';
import type { RewardStatus, RewardsTable } from './rewards.tables.js';

type Db = Kysely<Tables>;

export interface Claim {
  readonly reward: Reward;
  /** The attempt this claim is (1 on first); also the claim's token. */
  readonly attempt: number;
}

export type ClaimMiss =
  | { readonly kind: 'missing' }
  | { readonly kind: 'done'; readonly status: RewardStatus }
  /** Not claimable before `at` (retry backoff, or another worker's live lease). */
  | { readonly kind: 'later'; readonly at: Date };

export async function claimReward(db: Db, id: string, leaseMs: number, now: Date = new Date()): Promise<Claim | ClaimMiss> {
  const nowText = toDbTimestamp(now);
  const row = await db
    .updateTable('rewards')
    .set((eb) => ({
      status: 'PROCESSING',
      attempts: eb('attempts', '+', 1),
      lease_until: toDbTimestamp(new Date(now.getTime() + leaseMs)),
      updated_at: nowText,
    }))
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'PENDING'), eb('next_attempt_at', '<=', nowText)]),
        eb.and([eb('status', '=', 'PROCESSING'), eb('lease_until', '<', nowText)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  if (row) return { reward: toReward(row), attempt: row.attempts };
  const current = await db.selectFrom('rewards').select(['status', 'next_attempt_at', 'lease_until']).where('id', '=', id).executeTakeFirst();
  if (!current) return { kind: 'missing' };
  if (current.status === 'PAID' || current.status === 'FAILED') return { kind: 'done', status: current.status };
  const at = current.status === 'PENDING' ? current.next_attempt_at : (current.lease_until ?? nowText);
  return { kind: 'later', at: new Date(`${at.replace(' ', 'T')}Z`) };
}

/**
 * Extend the leases of live claims (the paying worker's heartbeat, one statement for all its
 * claims). A claim no longer this worker's (finished, or taken over after a stall) is not touched.
 * Answers how many were renewed.
 */
export async function renewLeases(db: Db, claims: readonly Claim[], leaseMs: number, now: Date = new Date()): Promise<number> {
  if (claims.length === 0) return 0;
  const result = await db
    .updateTable('rewards')
    .set({ lease_until: toDbTimestamp(new Date(now.getTime() + leaseMs)) })
    .where('status', '=', 'PROCESSING')
    .where((eb) => eb.or(claims.map((c) => eb.and([eb('id', '=', c.reward.id), eb('attempts', '=', c.attempt)]))))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Claims whose lease has expired (their worker died or stalled): to be taken over now. */
export async function findExpiredClaims(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('rewards')
    .select('id')
    .where('status', '=', 'PROCESSING')
    .where('lease_until', '<', toDbTimestamp(now))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** PROCESSING → PAID (with the wallet's transaction id) and a `reward.paid` event. False if the claim was lost. */
export async function markPaid(db: Db, claim: Claim, walletTransactionId: string): Promise<boolean> {
  if (dialectOf(db) === 'postgres') return markPaidOneStatement(db, claim, walletTransactionId);
  const now = toDbTimestamp();
  return finishClaim(
    db,
    claim,
    { status: 'PAID', wallet_transaction_id: walletTransactionId, paid_at: now, lease_until: null, last_error: null, updated_at: now },
    'reward.paid',
    { walletTransactionId },
  );
}

/**
 * `markPaid` on PostgreSQL in one statement (one round trip, its own transaction): the conditional
 * UPDATE, the `reward.paid` fact and the callback work item (only if the UPDATE matched) and the
 * relay's NOTIFY.
 */
async function markPaidOneStatement(db: Db, claim: Claim, walletTransactionId: string): Promise<boolean> {
  const now = toDbTimestamp();
  const reward = claim.reward;
  // The fact's id is fixed here: the callback work item names it.
  const paid = { ...rewardFact({ ...reward, status: 'PAID' }, 'reward.paid', { walletTransactionId }), id: newId() };
  const outbox = enqueueWhen(db, [paid, callbackWork(reward, paid.id, paid.payload)], sql<boolean>`EXISTS (SELECT 1 FROM up)`, 'ob');
  const { rows } = await sql<{ updated: number | string }>`${sql.raw(PREPARED)}
    WITH up AS (
      UPDATE rewards SET status = 'PAID', wallet_transaction_id = ${walletTransactionId}, paid_at = ${now}::timestamp, lease_until = NULL, last_error = NULL, updated_at = ${now}::timestamp
      WHERE id = ${reward.id} AND status = 'PROCESSING' AND attempts = ${claim.attempt}
      RETURNING id
    ),
    ${outbox.ctes},
    nt AS (${outbox.notify})
    SELECT (SELECT count(*) FROM up) + (SELECT count(*) FROM nt) AS updated
  `.execute(db);
  const updated = Number(rows[0]?.updated ?? 0) > 0;
  if (updated) signalEnqueued();
  return updated;
}

/** The work item "deliver this paid reward's callback" (`banyan.work.reward.callback`), keyed by the reward. */
function callbackWork(reward: Reward, factId: string, paid: RewardEventPayload): OutboxEventInput {
  const payload: RewardCallbackWork = { factId, reward: paid };
  return { topic: WORK.rewardCallback, tenantId: reward.tenantId, key: reward.id, payload };
}

/** PROCESSING → PENDING, due again at `nextAttemptAt`. */
export async function scheduleRetry(db: Db, claim: Claim, error: string, nextAttemptAt: Date): Promise<boolean> {
  const result = await db
    .updateTable('rewards')
    .set({ status: 'PENDING', last_error: error.slice(0, 2000), next_attempt_at: toDbTimestamp(nextAttemptAt), lease_until: null, updated_at: toDbTimestamp() })
    .where('id', '=', claim.reward.id)
    .where('status', '=', 'PROCESSING')
    .where('attempts', '=', claim.attempt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** PROCESSING → FAILED with the reason, and a `reward.failed` event. */
export async function markFailed(db: Db, claim: Claim, reason: string): Promise<boolean> {
  return finishClaim(db, claim, { status: 'FAILED', last_error: reason.slice(0, 2000), lease_until: null, updated_at: toDbTimestamp() }, 'reward.failed', {
    reason,
  });
}

/**
 * The end of a claim: move the reward out of PROCESSING only if this worker still holds the claim
 * (same attempt), and announce the change through the outbox in the same transaction.
 */
async function finishClaim(
  db: Db,
  claim: Claim,
  set: Updateable<RewardsTable>,
  event: 'reward.paid' | 'reward.failed',
  extra: { walletTransactionId?: string; reason?: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('rewards')
      .set(set)
      .where('id', '=', claim.reward.id)
      .where('status', '=', 'PROCESSING')
      .where('attempts', '=', claim.attempt)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    const reward = toReward(row);
    const fact = rewardFact(reward, event, extra);
    const factId = await enqueueEvent(trx, fact);
    // A paid reward's callback is the callback sender's work, on its own queue.
    if (event === 'reward.paid') await enqueueEvent(trx, callbackWork(reward, factId, fact.payload));
    return true;
  });
}

/** Rewards the worker should look at even without a message: due PENDING ones and expired claims. */
export async function findDueRewards(db: Db, dueBefore: Date, limit: number): Promise<string[]> {
  const at = toDbTimestamp(dueBefore);
  const rows = await db
    .selectFrom('rewards')
    .select('id')
    .where((eb) =>
      eb.or([eb.and([eb('status', '=', 'PENDING'), eb('next_attempt_at', '<=', at)]), eb.and([eb('status', '=', 'PROCESSING'), eb('lease_until', '<', at)])]),
    )
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function countByStatus(db: Db): Promise<Record<RewardStatus, number>> {
  const rows = await db
    .selectFrom('rewards')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<RewardStatus, number> = { PENDING: 0, PROCESSING: 0, PAID: 0, FAILED: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
