/**
 * PostgreSQL's one-statement event: the idempotency record, the player, the conditional limit
 * claim, the participation, the reward, its outbox event (and NOTIFY) and the stored outcome in ONE
 * statement, so ONE round trip and one implicit transaction per event, for events with at most one
 * campaign left to claim after the (pure) rule evaluation. Everything else takes the general path.
 *
 * - Idempotency: the statement checks (tenant, eventId) in its snapshot and skips everything when
 *   present; a concurrent duplicate still in flight makes the final INSERT fail on the primary key,
 *   which rolls back the whole statement (claim and reward included): the caller reports DUPLICATE.
 * - The claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE <limits>`: the row lock and the
 *   re-check on the newest row version keep limits and cooldowns exact under concurrency, as the
 *   conditional UPDATE did. A claim that fails writes nothing.
 * - The outcome: the caller computed the event's result for each way the claim can go; the
 *   statement stores the one that happened. Why a claim failed is read from the statement's
 *   snapshot (the decision itself is the upsert's); counters only grow, so a limit the snapshot
 *   shows broken is broken. When the snapshot shows none broken (a concurrent claim came between),
 *   the caller finds the reason with a second read (`Raced`).
 *
 * The SQL touches the rewards, players, participants and outbox tables directly; their rows come
 * from those modules' own builders (`newPendingReward`, `newOutboxRow`).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { insertOutboxRowsFrom, newOutboxRow, OUTBOX_CHANNEL, signalEnqueued, TOPICS } from '../platform/outbox/outbox.js';
import { apiDateToDb, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { internalError } from '../platform/errors.js';
import { PREPARED } from '../platform/db/database.js';
import { newPendingReward, rewardPayWork, type CreateRewardInput } from '../rewards/index.js';
import type { Limits } from '../campaigns/index.js';
import type { BehaviourEvent, EventResult } from './events.schema.js';

export type ClaimFailure = 'LIMIT_REACHED' | 'AMOUNT_LIMIT_REACHED' | 'COOLDOWN';

export interface OneClaim {
  readonly campaignId: string;
  readonly amountMinor: number;
  readonly limits: Limits;
  /** Record an AUTO participation when the reward is claimed. */
  readonly autoJoin: boolean;
  readonly reward: CreateRewardInput;
  /** The event's result if the claim succeeds (its reward id filled in by the caller afterwards) … */
  readonly rewarded: (rewardId: string) => EventResult;
  /** … and if it fails, for each reason. */
  readonly failed: (reason: ClaimFailure) => EventResult;
}

export interface OneStatementEvent {
  readonly tenantId: string;
  readonly event: BehaviourEvent;
  readonly now: Date;
  /** Present: the claim to try; absent: `result` is already final. */
  readonly claim?: OneClaim;
  readonly result?: EventResult;
}

const ts = (text: string): RawBuilder<unknown> => sql`${text}::timestamp`;
const jsonb = (value: unknown): RawBuilder<unknown> => sql`${toJson(value)}::jsonb`;

/**
 * The claim failed but the statement's snapshot predates the concurrent claim that made it fail,
 * so it cannot say which limit: the event is recorded (and rewarded nothing) with outcome
 * PROCESSING, and the caller reads the counters and stores the reason (`saveOutcome`).
 */
export interface Raced {
  readonly raced: true;
  readonly finish: (reason: ClaimFailure) => EventResult;
}

/** Runs the event's statement; `undefined` when (tenant, eventId) was recorded before. */
export async function ingestOneStatement(db: Kysely<Tables>, input: OneStatementEvent): Promise<EventResult | Raced | undefined> {
  const { tenantId, event, now, claim } = input;
  const nowText = toDbTimestamp(now);
  const attrs = event.playerAttributes && Object.keys(event.playerAttributes).length > 0 ? event.playerAttributes : null;
  const parts: RawBuilder<unknown>[] = [
    sql`dup AS (SELECT 1 FROM behaviour_events WHERE tenant_id = ${tenantId} AND event_id = ${event.eventId})`,
    sql`pl AS (
      INSERT INTO players (tenant_id, id, attributes, created_at, updated_at)
      SELECT ${tenantId}, ${event.playerId}, ${jsonb(attrs ?? {})}, ${ts(nowText)}, ${ts(nowText)} WHERE NOT EXISTS (SELECT 1 FROM dup)
      ON CONFLICT (tenant_id, id) DO ${attrs ? sql`UPDATE SET attributes = players.attributes || excluded.attributes, updated_at = excluded.updated_at` : sql`NOTHING`}
    )`,
  ];

  let outcomeSql: RawBuilder<unknown>;
  let resultSql: RawBuilder<unknown>;

  const variants = new Map<string, EventResult>();
  if (claim) {
    const { limits, amountMinor } = claim;
    const key = sql`tenant_id = ${tenantId} AND campaign_id = ${claim.campaignId} AND player_id = ${event.playerId}`;
    const cutoff = limits.cooldownSeconds ? toDbTimestamp(new Date(now.getTime() - limits.cooldownSeconds * 1000)) : null;
    const conditions: RawBuilder<unknown>[] = [];
    if (limits.maxCount !== null) conditions.push(sql`s.reward_count + 1 <= ${limits.maxCount}`);
    if (limits.maxAmountMinor !== null) conditions.push(sql`s.reward_amount_minor + ${amountMinor} <= ${limits.maxAmountMinor}`);
    if (cutoff !== null) conditions.push(sql`(s.last_reward_at IS NULL OR s.last_reward_at <= ${ts(cutoff)})`);
    // A first reward must fit the limits on its own (a cooldown cannot stop it).
    const firstFits = (limits.maxCount === null || limits.maxCount >= 1) && (limits.maxAmountMinor === null || amountMinor <= limits.maxAmountMinor);
    const { row, payload } = newPendingReward(claim.reward);

    // The published fact and the reward worker's work item.
    const outbox = [newOutboxRow({ topic: TOPICS.promotionReward, tenantId, key: event.playerId, payload }), newOutboxRow(rewardPayWork(row.id, tenantId, 'created'))];
    parts.push(
      sql`prev AS (SELECT reward_count, reward_amount_minor, last_reward_at FROM player_campaign_stats WHERE ${key})`,
      sql`claim AS (
        INSERT INTO player_campaign_stats AS s (tenant_id, campaign_id, player_id, reward_count, reward_amount_minor, last_reward_at, updated_at)
        SELECT ${tenantId}, ${claim.campaignId}, ${event.playerId}, 1, ${amountMinor}::bigint, ${ts(nowText)}, ${ts(nowText)}
        WHERE NOT EXISTS (SELECT 1 FROM dup) AND ${sql.lit(firstFits)}
        ON CONFLICT (tenant_id, campaign_id, player_id) DO UPDATE SET
          reward_count = s.reward_count + 1, reward_amount_minor = s.reward_amount_minor + ${amountMinor}::bigint, last_reward_at = excluded.last_reward_at, updated_at = excluded.updated_at
        ${conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``}
        RETURNING 1
      )`,
      sql`rw AS (
        INSERT INTO rewards (id, tenant_id, campaign_id, player_id, event_id, amount, currency, reward_type, quantity, status, attempts, last_error, wallet_transaction_id, paid_at, metadata, created_at, updated_at, next_attempt_at, lease_until)
        SELECT ${row.id}, ${row.tenant_id}, ${row.campaign_id}, ${row.player_id}, ${row.event_id}, ${row.amount}::numeric, ${row.currency}, ${row.reward_type}, ${row.quantity}::integer, 'PENDING', 0, NULL, NULL, NULL, ${sql`${row.metadata}::jsonb`}, ${ts(row.created_at)}, ${ts(row.updated_at)}, ${ts(row.next_attempt_at)}, NULL
        WHERE EXISTS (SELECT 1 FROM claim)
        RETURNING id
      )`,
      sql`ob AS (${insertOutboxRowsFrom('rw', outbox)})`,
      sql`nt AS (SELECT pg_notify(${OUTBOX_CHANNEL}, '') WHERE EXISTS (SELECT 1 FROM ob))`,
    );
    if (claim.autoJoin) {
      parts.push(sql`part AS (
        INSERT INTO campaign_participants (tenant_id, campaign_id, player_id, source, joined_at)
        SELECT ${tenantId}, ${claim.campaignId}, ${event.playerId}, 'AUTO', ${ts(nowText)} WHERE EXISTS (SELECT 1 FROM claim)
        ON CONFLICT (tenant_id, campaign_id, player_id) DO NOTHING
      )`);
    }
    const rewarded = claim.rewarded(row.id);
    variants.set('REWARDED', rewarded);
    const whens: RawBuilder<unknown>[] = [sql`WHEN EXISTS (SELECT 1 FROM claim) THEN 'REWARDED'`];
    if (limits.maxCount !== null) whens.push(sql`WHEN COALESCE((SELECT reward_count FROM prev), 0) + 1 > ${limits.maxCount} THEN 'LIMIT_REACHED'`);
    if (limits.maxAmountMinor !== null) whens.push(sql`WHEN COALESCE((SELECT reward_amount_minor FROM prev), 0) + ${amountMinor} > ${limits.maxAmountMinor} THEN 'AMOUNT_LIMIT_REACHED'`);
    if (cutoff !== null) whens.push(sql`WHEN (SELECT last_reward_at FROM prev) > ${ts(cutoff)} THEN 'COOLDOWN'`);
    for (const reason of ['LIMIT_REACHED', 'AMOUNT_LIMIT_REACHED', 'COOLDOWN'] as const) variants.set(reason, claim.failed(reason));
    // The snapshot shows no limit broken: a concurrent claim took it after the snapshot (see RACED).
    outcomeSql = sql`(CASE ${sql.join(whens, sql` `)} ELSE 'PROCESSING' END)`;
    resultSql = sql`(CASE o.outcome ${sql.join(
      [...variants].map(([k, v]) => sql`WHEN ${k} THEN ${jsonb(v)}`),
      sql` `,
    )} END)`;
  } else {
    const result = input.result;
    if (!result) throw internalError('ingestOneStatement: a claim or a final result is required');
    variants.set(result.outcome, result);
    outcomeSql = sql`${result.outcome}::text`;
    resultSql = jsonb(result);
  }
  parts.push(sql`o AS (SELECT ${outcomeSql} AS outcome)`);

  const { rows } = await sql<{ outcome: string; notified: number | string }>`${sql.raw(PREPARED)}
    WITH ${sql.join(parts, sql`, `)}
    INSERT INTO behaviour_events (tenant_id, event_id, type, player_id, occurred_at, data, outcome, results, received_at)
    SELECT ${tenantId}, ${event.eventId}, ${event.type}, ${event.playerId}, ${ts(apiDateToDb(event.occurredAt) ?? nowText)}, ${jsonb(event.data ?? {})}, o.outcome::varchar, ${resultSql}, ${ts(nowText)}
    FROM o WHERE NOT EXISTS (SELECT 1 FROM dup)
    RETURNING outcome, ${claim ? sql`(SELECT count(*) FROM nt)` : sql`0`} AS notified
  `.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  if (Number(row.notified) > 0) signalEnqueued();
  if (row.outcome === 'PROCESSING' && claim) return { raced: true, finish: claim.failed };
  const result = variants.get(row.outcome);
  if (!result) throw internalError(`ingestOneStatement: unexpected outcome ${row.outcome}`);
  return result;
}

/** True for the unique violation a concurrent duplicate of the event causes (on the event or on its reward). */
export function isDuplicateEventError(error: unknown): boolean {
  return isUniqueViolation(error, ['pk_behaviour_events', 'uq_rewards_event']);
}
