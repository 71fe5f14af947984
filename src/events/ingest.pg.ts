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
 * events/ writes only its own table here (behaviour_events); every other table's part of the
 * statement is a CTE built by the module that owns the table: `ensurePlayerWhen` (players),
 * `claimWhen` / `prevStats` / `claimFailure` (campaign stats: the limit predicate),
 * `insertPendingWhen` (rewards, with its outbox event from `enqueueWhen`), `addParticipantWhen`
 * (campaign participants).
 */
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { signalEnqueued } from '../platform/outbox/outbox.js';
import { apiDateToDb, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { internalError } from '../platform/errors.js';
import { PREPARED } from '../platform/db/database.js';
import { insertPendingWhen, type CreateRewardInput } from '../rewards/index.js';
import { addParticipantWhen, claimFailure, claimWhen, prevStats, type Limits } from '../campaigns/index.js';
import { ensurePlayerWhen } from '../players/index.js';
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
  const fresh = sql<SqlBool>`NOT EXISTS (SELECT 1 FROM dup)`;
  const parts: RawBuilder<unknown>[] = [
    sql`dup AS (SELECT 1 FROM behaviour_events WHERE tenant_id = ${tenantId} AND event_id = ${event.eventId})`,
    sql`pl AS (${ensurePlayerWhen(db, tenantId, event.playerId, attrs, nowText, fresh)})`,
  ];

  let outcomeSql: RawBuilder<unknown>;
  let resultSql: RawBuilder<unknown>;

  const variants = new Map<string, EventResult>();
  if (claim) {
    const { limits, amountMinor } = claim;
    const key = { tenantId, campaignId: claim.campaignId, playerId: event.playerId };
    const claimed = sql<SqlBool>`EXISTS (SELECT 1 FROM claim)`;
    const reward = insertPendingWhen(db, claim.reward, claimed, 'rw', 'ob');
    parts.push(
      sql`prev AS (${prevStats(key)})`,
      sql`claim AS (${claimWhen(key, amountMinor, limits, now, fresh)})`,
      sql`rw AS (${reward.insert})`,
      reward.events,
      sql`nt AS (${reward.notify})`,
    );
    if (claim.autoJoin) parts.push(sql`part AS (${addParticipantWhen(db, tenantId, claim.campaignId, event.playerId, 'AUTO', now, claimed)})`);
    variants.set('REWARDED', claim.rewarded(reward.id));
    for (const reason of ['LIMIT_REACHED', 'AMOUNT_LIMIT_REACHED', 'COOLDOWN'] as const) variants.set(reason, claim.failed(reason));
    // The snapshot shows no limit broken: a concurrent claim took it after the snapshot (see RACED).
    outcomeSql = sql`(CASE WHEN ${claimed} THEN 'REWARDED' ELSE ${claimFailure(amountMinor, limits, now, sql`'PROCESSING'`)} END)`;
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
