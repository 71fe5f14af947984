import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
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

/** A player's counters in a campaign as SQL expressions: the columns of a row, or of a snapshot. */
export interface Counters {
  readonly count: Expression<unknown>;
  readonly amount: Expression<unknown>;
  readonly lastRewardAt: Expression<unknown>;
}

type ClaimFailure = Extract<Claim, { ok: false }>['reason'];

const STATS = 'player_campaign_stats';
/** The counters of the stats row being written or read (qualified: ON CONFLICT sees two rows). */
const ROW: Counters = {
  count: sql.ref(`${STATS}.reward_count`),
  amount: sql.ref(`${STATS}.reward_amount_minor`),
  lastRewardAt: sql.ref(`${STATS}.last_reward_at`),
};
/** The counters of a player without a row yet (typed: PostgreSQL infers the parameters next to them). */
const NONE: Counters = { count: sql`CAST(0 AS integer)`, amount: sql`CAST(0 AS bigint)`, lastRewardAt: sql`CAST(NULL AS timestamp)` };
/** The counters of the `prev` snapshot (`prevStats`); no row reads as NONE. */
const PREV: Counters = {
  count: sql`COALESCE((SELECT reward_count FROM prev), 0)`,
  amount: sql`COALESCE((SELECT reward_amount_minor FROM prev), 0)`,
  lastRewardAt: sql`(SELECT last_reward_at FROM prev)`,
};

/**
 * THE per-player limit predicate, one check per limit in the order their reasons are reported:
 * each says that one more reward of `amountMinor` at `now` still fits, for counters `c`. Every
 * claim and every reason below is built from it.
 */
function limitChecks(
  limits: Limits,
  amountMinor: number,
  now: Date,
): ((c: Counters) => { readonly reason: ClaimFailure; readonly fits: RawBuilder<SqlBool> })[] {
  const checks: ((c: Counters) => { reason: ClaimFailure; fits: RawBuilder<SqlBool> })[] = [];
  if (limits.maxCount !== null) checks.push((c) => ({ reason: 'LIMIT_REACHED', fits: sql<SqlBool>`${c.count} + 1 <= ${limits.maxCount}` }));
  if (limits.maxAmountMinor !== null)
    checks.push((c) => ({ reason: 'AMOUNT_LIMIT_REACHED', fits: sql<SqlBool>`${c.amount} + ${amountMinor} <= ${limits.maxAmountMinor}` }));
  if (limits.cooldownSeconds) {
    const cutoff = toDbTimestamp(new Date(now.getTime() - limits.cooldownSeconds * 1000));
    checks.push((c) => ({ reason: 'COOLDOWN', fits: sql<SqlBool>`(${c.lastRewardAt} IS NULL OR ${c.lastRewardAt} <= ${cutoff})` }));
  }
  return checks;
}

/** Every limit holds after one more reward (undefined: the campaign has no limits). */
function fitsLimits(c: Counters, limits: Limits, amountMinor: number, now: Date): RawBuilder<SqlBool> | undefined {
  const checks = limitChecks(limits, amountMinor, now).map((check) => check(c).fits);
  return checks.length === 0 ? undefined : sql<SqlBool>`${sql.join(checks, sql` AND `)}`;
}

/** The first limit one more reward would break, for counters `c`; `otherwise` when none would. */
function brokenLimit(c: Counters, limits: Limits, amountMinor: number, now: Date, otherwise: Expression<unknown>): RawBuilder<string> {
  const whens = limitChecks(limits, amountMinor, now).map((check) => {
    const { reason, fits } = check(c);
    return sql`WHEN NOT (${fits}) THEN ${sql.lit(reason)}`;
  });
  return whens.length === 0 ? sql<string>`${otherwise}` : sql<string>`(CASE ${sql.join(whens, sql` `)} ELSE ${otherwise} END)`;
}

const keyOf = (key: StatsKey): RawBuilder<SqlBool> =>
  sql<SqlBool>`tenant_id = ${key.tenantId} AND campaign_id = ${key.campaignId} AND player_id = ${key.playerId}`;

/**
 * Claims one reward of `amountMinor` for a player in a campaign: ONE conditional UPDATE that adds to
 * the counters only if every limit still holds afterwards, so concurrent events can never overshoot
 * (the row lock on PostgreSQL, the single writer on SQLite). No read-modify-write.
 */
export async function claimReward(db: Kysely<Tables>, key: StatsKey, amountMinor: number, limits: Limits, now: Date): Promise<Claim> {
  const nowText = toDbTimestamp(now);
  await db
    .insertInto('player_campaign_stats')
    .values({
      tenant_id: key.tenantId,
      campaign_id: key.campaignId,
      player_id: key.playerId,
      reward_count: 0,
      reward_amount_minor: 0,
      last_reward_at: null,
      updated_at: nowText,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'campaign_id', 'player_id']).doNothing())
    .execute();

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
  const fits = fitsLimits(ROW, limits, amountMinor, now);
  if (fits) update = update.where(fits);
  const result = await update.executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return { ok: true };

  return { ok: false, reason: await whyNotClaimed(db, key, amountMinor, limits, now) };
}

/**
 * `claim` in another module's one-statement write (PostgreSQL), run when `when` holds: ONE
 * `INSERT … ON CONFLICT DO UPDATE … WHERE <limits>` (a first reward must fit on its own; a
 * cooldown cannot stop it), returning one row when the reward was claimed. The row lock and the
 * re-check on the newest row version keep limits exact under concurrency, like `claimReward`.
 */
export function claimWhen(key: StatsKey, amountMinor: number, limits: Limits, now: Date, when: Expression<SqlBool>): RawBuilder<unknown> {
  const nowText = toDbTimestamp(now);
  const first = fitsLimits(NONE, limits, amountMinor, now);
  const again = fitsLimits(ROW, limits, amountMinor, now);
  return sql`INSERT INTO ${sql.table(STATS)} (tenant_id, campaign_id, player_id, reward_count, reward_amount_minor, last_reward_at, updated_at)
        SELECT ${key.tenantId}, ${key.campaignId}, ${key.playerId}, 1, ${amountMinor}, ${nowText}, ${nowText}
        WHERE ${when}${first ? sql` AND ${first}` : sql``}
        ON CONFLICT (tenant_id, campaign_id, player_id) DO UPDATE SET
          reward_count = ${ROW.count} + 1, reward_amount_minor = ${ROW.amount} + excluded.reward_amount_minor, last_reward_at = excluded.last_reward_at, updated_at = excluded.updated_at
        ${again ? sql`WHERE ${again}` : sql``}
        RETURNING 1`;
}

/** The counters before the claim, for `claimFailure`: the CTE to name `prev` in the same statement. */
export function prevStats(key: StatsKey): RawBuilder<unknown> {
  return sql`SELECT reward_count, reward_amount_minor, last_reward_at FROM ${sql.table(STATS)} WHERE ${keyOf(key)}`;
}

/**
 * Why a claim failed, read from the `prev` snapshot (`prevStats`) of the same statement; counters
 * only grow, so a limit the snapshot shows broken is broken. `otherwise` when it shows none broken
 * (a concurrent claim came after the snapshot).
 */
export function claimFailure(amountMinor: number, limits: Limits, now: Date, otherwise: Expression<unknown>): RawBuilder<string> {
  return brokenLimit(PREV, limits, amountMinor, now, otherwise);
}

/** Why a claim failed: reads the counters only to say so (the decision was the claim's). */
export async function whyNotClaimed(db: Kysely<Tables>, key: StatsKey, amountMinor: number, limits: Limits, now: Date): Promise<ClaimFailure> {
  const { rows } = await sql<{ reason: ClaimFailure }>`WITH prev AS (${prevStats(key)})
    SELECT ${claimFailure(amountMinor, limits, now, sql`(CASE WHEN EXISTS (SELECT 1 FROM prev) THEN 'COOLDOWN' ELSE 'AMOUNT_LIMIT_REACHED' END)`)} AS reason`.execute(
    db,
  );
  return rows[0]?.reason ?? 'COOLDOWN';
}

export interface PlayerStats {
  readonly campaignId: string;
  readonly rewardCount: number;
  readonly rewardAmountMinor: number;
  readonly lastRewardAt: string | null;
}

export async function statsOfPlayer(db: Kysely<Tables>, tenantId: string, playerId: string): Promise<Map<string, PlayerStats>> {
  const rows = await db.selectFrom('player_campaign_stats').selectAll().where('tenant_id', '=', tenantId).where('player_id', '=', playerId).execute();
  return new Map(
    rows.map((r) => [
      r.campaign_id,
      {
        campaignId: r.campaign_id,
        rewardCount: Number(r.reward_count),
        rewardAmountMinor: Number(r.reward_amount_minor),
        lastRewardAt: r.last_reward_at === null ? null : String(r.last_reward_at),
      },
    ]),
  );
}
