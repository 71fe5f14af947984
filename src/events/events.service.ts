/**
 * Behaviour events in: the campaign pipeline. Each event's campaigns are evaluated first (the rules
 * are pure), then in ONE transaction: record it (idempotent per tenant + eventId) and, for every
 * live campaign listening to its type, highest priority first: exclusivity group → participation
 * (joined?) → eligibility → formula → per-player limits claimed by a conditional write → reward +
 * its outbox event. Every outcome is a reason code. On PostgreSQL the transaction is usually one
 * statement (ingest.pg.ts); docs/campaigns.md "How a batch runs".
 */
import type { Kysely } from 'kysely';
import { Value } from 'typebox/value';
import { currencyScale, MAX_AMOUNT, roundMoney, toDecimal } from '../engine/index.js';
import { describeIllFormed, findIllFormedText } from '../platform/text.js';
import { EngineError, type CompiledExpression } from '../engine/types.js';
import { truthy, holds, type CampaignsService, type LiveCampaign, addParticipant, claimReward, whyNotClaimed, type Limits } from '../campaigns/index.js';
import { dialectOf } from '../platform/db/sql.js';
import { internalError } from '../platform/errors.js';
import { createReward, type CreateRewardInput } from '../rewards/index.js';
import { ingestOneStatement, isDuplicateEventError, type ClaimFailure, type OneClaim } from './ingest.pg.js';
import type { Decimal } from 'decimal.js';
import type { Tables } from '../platform/db/tables.js';
import type { PlayersService } from '../players/index.js';
import { findEvent, findOutcome, listEvents, recordEvent, saveOutcome, type EventFilter, type EventView } from './events.repository.js';
import { BehaviourEvent, CAMPAIGN_OUTCOMES, type CampaignOutcome, type EventResult, type IngestResult } from './events.schema.js';
import { deadlineBudgets, type BudgetFactory } from '../platform/deadline.js';

const defaultBudgets = deadlineBudgets();

export type { IngestResult } from './events.schema.js';

export interface IngestDeps {
  readonly db: Kysely<Tables>;
  readonly campaigns: CampaignsService;
  readonly players: PlayersService;
  readonly now?: () => Date;
  /** One budget (deadline) per campaign's rules for one event; default EVALUATION_DEADLINE_MS' default. */
  readonly budgets?: BudgetFactory;
}

type CampaignResult = EventResult['campaigns'][number];
type RewardRef = EventResult['rewards'][number];

/** Amounts of FREE_SPINS and POINTS are whole units; money uses the currency's minor-unit scale. */
const scaleFor = (c: LiveCampaign['campaign']): number => (c.rewardType === 'FREE_SPINS' || c.rewardType === 'POINTS' ? 0 : currencyScale(c.currency));

/** The event outcome is the campaign outcome that came closest to a reward. */
function eventOutcome(results: readonly CampaignResult[]): CampaignOutcome | 'NO_ACTIVE_CAMPAIGN' {
  if (results.length === 0) return 'NO_ACTIVE_CAMPAIGN';
  const rank = (o: string) => CAMPAIGN_OUTCOMES.indexOf(o as CampaignOutcome);
  return [...results].sort((a, b) => rank(a.outcome) - rank(b.outcome))[0]?.outcome as CampaignOutcome;
}

/** What the (pure) rule evaluation decided for one campaign before any limit is claimed. */
type Decision =
  | { readonly kind: 'final'; readonly outcome: CampaignOutcome; readonly detail?: string }
  | { readonly kind: 'claim'; readonly amount: Decimal; readonly scale: number };

/** A live campaign with what its rules said about one event. */
interface Candidate {
  readonly live: LiveCampaign;
  readonly decision: Decision;
}

type ClaimOutcome = { readonly ok: true; readonly rewardId: string } | { readonly ok: false; readonly reason: ClaimFailure };

/** How many players' events one batch processes at once on PostgreSQL (each player's in order). */
const PLAYER_CONCURRENCY = 8;

/**
 * Ingests a batch of behaviour events for one tenant (HTTP `POST /api/v1/events` and the NATS
 * `trigger.<tenant>.user.*` consumer). Never throws for bad events: each gets a result with a reason code.
 * One transaction per event, so a failure affects only its event. Each player's events are
 * processed in batch order; on PostgreSQL different players' events run concurrently.
 */
export async function ingestEvents(deps: IngestDeps, tenantId: string, events: readonly unknown[]): Promise<IngestResult> {
  const clock = deps.now ?? (() => new Date());
  const live = await deps.campaigns.live(tenantId, clock());
  const results: (EventResult | undefined)[] = new Array<EventResult | undefined>(events.length);
  const byPlayer = new Map<string, { index: number; event: BehaviourEvent }[]>();
  events.forEach((raw, index) => {
    const illFormed = findIllFormedText(raw);
    if (illFormed || !Value.Check(BehaviourEvent, raw)) {
      const first = illFormed ? undefined : [...Value.Errors(BehaviourEvent, raw)][0];
      const eventId =
        typeof raw === 'object' && raw !== null && typeof (raw as { eventId?: unknown }).eventId === 'string' ? (raw as { eventId: string }).eventId : '';
      const detail = illFormed ? describeIllFormed(illFormed) : first ? `${first.instancePath || '/'} ${first.message}` : 'invalid event';
      results[index] = { eventId: illFormed ? '' : eventId, outcome: 'INVALID_EVENT', detail, rewards: [], campaigns: [] };
      return;
    }
    let queue = byPlayer.get(raw.playerId);
    if (!queue) byPlayer.set(raw.playerId, (queue = []));
    queue.push({ index, event: raw });
  });

  if (byPlayer.size > 0) {
    // Reads outside the transactions, once per batch (SQLite has one connection, held by a transaction).
    const playerIds = [...byPlayer.keys()];
    const [attributes, joined] = await Promise.all([
      deps.players.attributesOf(tenantId, playerIds),
      live.some((l) => l.campaign.participationRule !== null)
        ? deps.campaigns.joinedIdsOf(tenantId, playerIds)
        : Promise.resolve(new Map<string, Set<string>>()),
    ]);
    const postgres = dialectOf(deps.db) === 'postgres';
    const players = [...byPlayer];
    let next = 0;
    let aborted = false;
    const lane = async () => {
      try {
        await work();
      } catch (error) {
        // The batch is answered with this error: the other lanes stop taking players.
        aborted = true;
        throw error;
      }
    };
    const work = async () => {
      for (let p = next++; p < players.length && !aborted; p = next++) {
        const entry = players[p];
        if (!entry) continue;
        const [playerId, queue] = entry;
        // What the player's attributes are after each recorded event (the batch's own merges included).
        let known = attributes.get(playerId) ?? {};
        for (const { index, event } of queue) {
          const merged = { ...known, ...(event.playerAttributes ?? {}) };
          const result = await processEvent(deps, tenantId, event, live, merged, joined.get(playerId) ?? new Set(), clock(), postgres);
          if (result.outcome !== 'DUPLICATE') known = merged;
          results[index] = result;
        }
      }
    };
    // Every lane finishes before the batch is answered, also when one failed: no event of this
    // batch may be written after the client got its answer. Retrying the batch is safe (events
    // already recorded answer DUPLICATE with their original outcome).
    const settled = await Promise.allSettled(Array.from({ length: postgres ? Math.min(PLAYER_CONCURRENCY, players.length) : 1 }, lane));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  const done = results.map((r) => r ?? { eventId: '', outcome: 'INVALID_EVENT', rewards: [], campaigns: [] });
  return {
    received: events.length,
    processed: done.filter((r) => r.outcome !== 'DUPLICATE' && r.outcome !== 'INVALID_EVENT').length,
    duplicates: done.filter((r) => r.outcome === 'DUPLICATE').length,
    rewarded: done.filter((r) => r.outcome === 'REWARDED').length,
    results: done,
  };
}

/** Runs every candidate campaign's rules for the event: pure, no I/O; each campaign's rules within one budget (deadline). */
function evaluate(
  event: BehaviourEvent,
  candidates: readonly LiveCampaign[],
  attributes: Record<string, unknown>,
  joined: ReadonlySet<string>,
  now: Date,
  budgets: BudgetFactory,
): Candidate[] {
  const data = event.data ?? {};
  // Money arrives as a JSON number or a decimal string. SpEL gets it as a Decimal (BigDecimal);
  // JSONLogic gets it as sent, because its decimal mode converts inputs itself (and, in the engine
  // version merged here, its comparisons reject Decimal inputs).
  const spelData = data.amount === undefined ? data : { ...data, amount: toDecimal(data.amount) };
  const rootFor = (c: LiveCampaign['campaign'], rule: CompiledExpression) => ({
    player: { ...attributes, id: event.playerId },
    event: { ...(rule.language === 'spel' ? spelData : data), id: event.eventId, type: event.type, occurredAt: event.occurredAt },
    campaign: { id: c.id, currency: c.currency, rewardType: c.rewardType },
  });
  return candidates.map((live): Candidate => {
    const { campaign: c, rules } = live;
    const final = (outcome: CampaignOutcome, detail?: string): Candidate => ({ live, decision: { kind: 'final', outcome, ...(detail ? { detail } : {}) } });
    if (rules.participation !== null && !joined.has(c.id)) return final('NOT_JOINED');
    if (typeof data.currency === 'string' && data.currency !== c.currency)
      return final('CURRENCY_MISMATCH', `event in ${data.currency}, campaign in ${c.currency}`);
    const scale = scaleFor(c);
    // The eligibility rule and the formula share one deadline: a campaign's rules for one event.
    const budget = budgets();
    try {
      if (rules.eligibility !== null && !holds(rules.eligibility, rootFor(c, rules.eligibility), now, budget)) return final('NOT_ELIGIBLE');
      const value = rules.formula.evaluate(rootFor(c, rules.formula), undefined, { now, budget });
      const amount = roundMoney(typeof value === 'boolean' ? toDecimal(truthy(value) ? 1 : 0) : toDecimal(value, 'rewardFormula result'), scale);
      if (amount.lte(0)) return final('ZERO_REWARD');
      // A formula may multiply a valid amount into nonsense: this event's campaign fails, not the batch.
      if (amount.gt(MAX_AMOUNT)) return final('RULE_ERROR', `rewardFormula result ${amount.toExponential(3)} exceeds the maximum amount ${MAX_AMOUNT}`);
      return { live, decision: { kind: 'claim', amount, scale } };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      return final('RULE_ERROR', error.message);
    }
  });
}

/**
 * Highest priority first: exclusivity group → the evaluation's outcome → the limit claim. `claim`
 * is called for each campaign that gets that far, in order; the event's result follows.
 */
async function resolve(
  event: BehaviourEvent,
  candidates: readonly Candidate[],
  claim: (c: Candidate, amount: Decimal, scale: number) => Promise<ClaimOutcome> | ClaimOutcome,
): Promise<EventResult> {
  const campaigns: CampaignResult[] = [];
  const rewards: RewardRef[] = [];
  const groupsTaken = new Set<string>();
  for (const candidate of candidates) {
    const { campaign: c } = candidate.live;
    const { decision } = candidate;
    const result = (outcome: CampaignOutcome, detail?: string) => campaigns.push({ campaignId: c.id, outcome, ...(detail ? { detail } : {}) });
    if (c.exclusivityGroup !== null && groupsTaken.has(c.exclusivityGroup)) {
      result('EXCLUDED', `a higher-priority campaign in group ${c.exclusivityGroup} rewarded this event`);
      continue;
    }
    if (decision.kind === 'final') {
      result(decision.outcome, decision.detail);
      continue;
    }
    const claimed = await claim(candidate, decision.amount, decision.scale);
    if (!claimed.ok) {
      result(claimed.reason);
      continue;
    }
    const { amountText, quantity } = rewardAmount(c, decision.amount, decision.scale);
    rewards.push({
      campaignId: c.id,
      rewardId: claimed.rewardId,
      amount: amountText,
      currency: c.currency,
      rewardType: c.rewardType,
      ...(quantity !== undefined ? { quantity } : {}),
    });
    if (c.exclusivityGroup !== null) groupsTaken.add(c.exclusivityGroup);
    result('REWARDED');
  }
  return { eventId: event.eventId, outcome: eventOutcome(campaigns), rewards, campaigns };
}

function rewardAmount(c: LiveCampaign['campaign'], amount: Decimal, scale: number): { amountText: string; quantity: number | undefined } {
  return { amountText: amount.toFixed(scale), quantity: c.rewardType === 'FREE_SPINS' || c.rewardType === 'POINTS' ? amount.toNumber() : undefined };
}

function limitsOf(c: LiveCampaign['campaign'], scale: number): Limits {
  const unit = 10 ** scale;
  return {
    maxCount: c.maxRewardsPerPlayer,
    maxAmountMinor: c.maxAmountPerPlayer === null ? null : toDecimal(c.maxAmountPerPlayer).times(unit).floor().toNumber(),
    cooldownSeconds: c.cooldownSeconds,
  };
}

function rewardInput(tenantId: string, event: BehaviourEvent, c: LiveCampaign['campaign'], amount: Decimal, scale: number): CreateRewardInput {
  const { amountText, quantity } = rewardAmount(c, amount, scale);
  return {
    tenantId,
    campaignId: c.id,
    playerId: event.playerId,
    eventId: event.eventId,
    amount: amountText,
    currency: c.currency,
    rewardType: c.rewardType,
    ...(quantity !== undefined ? { quantity } : {}),
    metadata: { campaignName: c.name, eventType: event.type },
  };
}

const duplicate = (eventId: string, original: EventResult | undefined): EventResult => ({
  eventId,
  outcome: 'DUPLICATE',
  ...(original ? { detail: `already processed: ${original.outcome}` } : {}),
  rewards: [],
  campaigns: [],
});

async function processEvent(
  deps: IngestDeps,
  tenantId: string,
  event: BehaviourEvent,
  live: readonly LiveCampaign[],
  attributes: Record<string, unknown>,
  joined: ReadonlySet<string>,
  now: Date,
  postgres: boolean,
): Promise<EventResult> {
  const candidates = evaluate(
    event,
    live.filter((l) => l.campaign.eventTypes.includes(event.type)),
    attributes,
    joined,
    now,
    deps.budgets ?? defaultBudgets,
  );
  const claims = candidates.filter((c) => c.decision.kind === 'claim');
  const outcome =
    postgres && claims.length <= 1
      ? await oneStatement(deps, tenantId, event, candidates, claims[0], now)
      : await inTransaction(deps, tenantId, event, candidates, now);
  if (outcome) return outcome;
  return duplicate(event.eventId, await findOutcome(deps.db, tenantId, event.eventId));
}

/** PostgreSQL, at most one claim: one statement (see ingest.pg.ts). `null` for a duplicate. */
async function oneStatement(
  deps: IngestDeps,
  tenantId: string,
  event: BehaviourEvent,
  candidates: readonly Candidate[],
  only: Candidate | undefined,
  now: Date,
): Promise<EventResult | null> {
  let claim: OneClaim | undefined;
  let result: EventResult | undefined;
  if (only && only.decision.kind === 'claim') {
    const { amount, scale } = only.decision;
    const c = only.live.campaign;
    const variant = (outcome: ClaimOutcome) => resolve(event, candidates, () => outcome);
    const variants = new Map<string, EventResult>();
    for (const reason of ['LIMIT_REACHED', 'AMOUNT_LIMIT_REACHED', 'COOLDOWN'] as const) variants.set(reason, await variant({ ok: false, reason }));
    const okTemplate = await variant({ ok: true, rewardId: '' });
    claim = {
      campaignId: c.id,
      amountMinor: amount.times(10 ** scale).toNumber(),
      limits: limitsOf(c, scale),
      autoJoin: only.live.rules.participation === null,
      reward: rewardInput(tenantId, event, c, amount, scale),
      rewarded: (rewardId) => ({ ...okTemplate, rewards: okTemplate.rewards.map((r) => (r.campaignId === c.id ? { ...r, rewardId } : r)) }),
      failed: (reason) => variants.get(reason) ?? okTemplate,
    };
  } else {
    result = await resolve(event, candidates, () => {
      throw internalError('no claim expected');
    });
  }
  let done;
  try {
    done = await ingestOneStatement(deps.db, { tenantId, event, now, ...(claim ? { claim } : {}), ...(result ? { result } : {}) });
  } catch (error) {
    if (isDuplicateEventError(error)) return null;
    throw error;
  }
  if (done === undefined) return null;
  if (!('raced' in done)) return done;
  const c = only?.live.campaign;
  if (!c || !claim) throw internalError('raced without a claim');
  const finished = done.finish(await whyNotClaimed(deps.db, { tenantId, campaignId: c.id, playerId: event.playerId }, claim.amountMinor, claim.limits, now));
  await saveOutcome(deps.db, tenantId, event.eventId, finished);
  return finished;
}

/** The general path (SQLite; several claims): one transaction of separate statements. `null` for a duplicate. */
async function inTransaction(
  deps: IngestDeps,
  tenantId: string,
  event: BehaviourEvent,
  candidates: readonly Candidate[],
  now: Date,
): Promise<EventResult | null> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await recordEvent(trx, tenantId, event, now))) return null;
    await deps.players.ensure(trx, tenantId, event.playerId, event.playerAttributes);
    const eventResult = await resolve(event, candidates, async ({ live: { campaign: c, rules } }, amount, scale) => {
      const claimed = await claimReward(
        trx,
        { tenantId, campaignId: c.id, playerId: event.playerId },
        amount.times(10 ** scale).toNumber(),
        limitsOf(c, scale),
        now,
      );
      if (!claimed.ok) return claimed;
      if (rules.participation === null) await addParticipant(trx, tenantId, c.id, event.playerId, 'AUTO', now);
      const { id } = await createReward(trx, rewardInput(tenantId, event, c, amount, scale));
      return { ok: true, rewardId: id };
    });
    await saveOutcome(trx, tenantId, event.eventId, eventResult);
    return eventResult;
  });
}

export type { EventFilter, EventView } from './events.repository.js';

/** What the events routes call: ingestion and the read side of received events. */
export interface EventsService {
  ingest(tenantId: string, events: readonly unknown[]): Promise<IngestResult>;
  /** Received events, newest occurrence first. */
  list(tenantId: string, filter: EventFilter): Promise<{ rows: EventView[]; total: number }>;
  find(tenantId: string, eventId: string): Promise<EventView | undefined>;
}

export function createEventsService(deps: IngestDeps): EventsService {
  return {
    ingest: (tenantId, events) => ingestEvents(deps, tenantId, events),
    list: (tenantId, filter) => listEvents(deps.db, tenantId, filter),
    find: (tenantId, eventId) => findEvent(deps.db, tenantId, eventId),
  };
}
