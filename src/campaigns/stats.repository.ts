import type { Kysely } from 'kysely';
import { toDbTimestamp } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';

export interface StatsKey {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly playerId: string;
}

export interface Limits {
  readonly maxCount: number | null;
  readonly maxAmountMinor: number | null;
  readonly cooldownSeconds: number | null;
}

export type Claim = { readonly ok: true } | { readonly ok: false; readonly reason: 'LIMIT_REACHED' | 'AMOUNT_LIMIT_REACHED' | 'COOLDOWN' };


/**
 * Claims one reward of `amountMinor` for a player in a campaign: ONE conditional UPDATE that adds to
 * the counters only if every limit still holds afterwards, so concurrent events can never overshoot
 * (the row lock on PostgreSQL, the single writer on SQLite). No read-modify-write.
 */
export async function claimReward(db: Kysely<Tables>, key: StatsKey, amountMinor: number, limits: Limits, now: Date): Promise<Claim> {
  const nowText = toDbTimestamp(now);
  await db
    .insertInto('player_campaign_stats')
    .values({ tenant_id: key.tenantId, campaign_id: key.campaignId, player_id: key.playerId, reward_count: 0, reward_amount_minor: 0, last_reward_at: null, updated_at: nowText })
    .onConflict((oc) => oc.columns(['tenant_id', 'campaign_id', 'player_id']).doNothing())
    .execute();

  const cutoff = limits.cooldownSeconds ? toDbTimestamp(new Date(now.getTime() - limits.cooldownSeconds * 1000)) : null;
  let update = db
    .updateTable('player_campaign_stats')
    .set((eb) => ({
      reward_count: eb('reward_count', '+', 1),
      reward_amount_minor: eb('reward_amount_minor', '+', amountMinor),
      last_reward_at: nowText,
      updated_at: nowText,
    }))
    .where('tenant_id', '=', key.tenantId)
    .where('campaign_id', '=', key.campaignId)
    .where('player_id', '=', key.playerId);
  if (limits.maxCount !== null) update = update.where((eb) => eb(eb('reward_count', '+', 1), '<=', limits.maxCount));
  if (limits.maxAmountMinor !== null) update = update.where((eb) => eb(eb('reward_amount_minor', '+', amountMinor), '<=', limits.maxAmountMinor));
  if (cutoff !== null) update = update.where((eb) => eb.or([eb('last_reward_at', 'is', null), eb('last_reward_at', '<=', cutoff)]));
  const result = await update.executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return { ok: true };

  return { ok: false, reason: await whyNotClaimed(db, key, amountMinor, limits) };
}

/** Why a claim failed: reads the counters only to say so (the decision was the claim's). */
export async function whyNotClaimed(db: Kysely<Tables>, key: StatsKey, amountMinor: number, limits: Limits): Promise<Extract<Claim, { ok: false }>['reason']> {
  const row = await db
    .selectFrom('player_campaign_stats')
    .select(['reward_count', 'reward_amount_minor', 'last_reward_at'])
    .where('tenant_id', '=', key.tenantId)
    .where('campaign_id', '=', key.campaignId)
    .where('player_id', '=', key.playerId)
    .executeTakeFirst();
  if (!row) return limits.maxCount !== null && limits.maxCount < 1 ? 'LIMIT_REACHED' : 'AMOUNT_LIMIT_REACHED';
  if (limits.maxCount !== null && Number(row.reward_count) + 1 > limits.maxCount) return 'LIMIT_REACHED';
  if (limits.maxAmountMinor !== null && Number(row.reward_amount_minor) + amountMinor > limits.maxAmountMinor) return 'AMOUNT_LIMIT_REACHED';
  return 'COOLDOWN';
}

export interface PlayerStats {
  readonly campaignId: string;
  readonly rewardCount: number;
  readonly rewardAmountMinor: number;
  readonly lastRewardAt: string | null;
}

export async function statsOfPlayer(db: Kysely<Tables>, tenantId: string, playerId: string): Promise<Map<string, PlayerStats>> {
  const rows = await db.selectFrom('player_campaign_stats').selectAll().where('tenant_id', '=', tenantId).where('player_id', '=', playerId).execute();
  return new Map(rows.map((r) => [r.campaign_id, { campaignId: r.campaign_id, rewardCount: Number(r.reward_count), rewardAmountMinor: Number(r.reward_amount_minor), lastRewardAt: r.last_reward_at === null ? null : String(r.last_reward_at) }]));
}
