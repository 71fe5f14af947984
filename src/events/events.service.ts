/**
 * Behaviour events in: the campaign pipeline. For each event, in ONE transaction: record it
 * (idempotent per tenant + eventId), then for every live campaign listening to its type, highest
 * priority first: exclusivity group → participation (joined?) → eligibility → formula → per-player
 * limits claimed by a conditional UPDATE → reward + its outbox event. Every outcome is a reason code.
 */
import type { Kysely } from 'kysely';
import { Value } from 'typebox/value';
import { currencyScale, roundMoney, toDecimal } from '../engine/index.js';
import { EngineError, type CompiledExpression } from '../engine/types.js';
import { truthy, holds } from '../campaigns/campaign-rules.js';
import type { CampaignsService, LiveCampaign } from '../campaigns/campaigns.service.js';
import { addParticipant } from '../campaigns/campaigns.repository.js';
import { claimReward } from '../campaigns/stats.repository.js';
import type { Tables } from '../platform/db/tables.js';
import type { PlayersService } from '../players/players.service.js';
import { findOutcome, recordEvent, saveOutcome } from './events.repository.js';
import { BehaviourEvent, CAMPAIGN_OUTCOMES, type CampaignOutcome, type EventResult, type IngestResult } from './events.schema.js';
import { createReward } from './reward-port.js';

export type { IngestResult } from './events.schema.js';

export interface IngestDeps {
  readonly db: Kysely<Tables>;
  readonly campaigns: CampaignsService;
  readonly players: PlayersService;
  readonly now?: () => Date;
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

/**
 * Ingests a batch of behaviour events for one tenant (HTTP `POST /api/v1/events` and the NATS
 * `trigger.user.*` consumer). Never throws for bad events: each gets a result with a reason code.
 * Events are processed in order, one transaction each, so a failure affects only its event.
 */
export async function ingestEvents(deps: IngestDeps, tenantId: string, events: readonly unknown[]): Promise<IngestResult> {
  const clock = deps.now ?? (() => new Date());
  const live = await deps.campaigns.live(tenantId, clock());
  const results: EventResult[] = [];
  for (const raw of events) {
    if (!Value.Check(BehaviourEvent, raw)) {
      const first = [...Value.Errors(BehaviourEvent, raw)][0];
      const eventId = typeof raw === 'object' && raw !== null && typeof (raw as { eventId?: unknown }).eventId === 'string' ? (raw as { eventId: string }).eventId : '';
      results.push({ eventId, outcome: 'INVALID_EVENT', detail: first ? `${first.instancePath || '/'} ${first.message}` : 'invalid event', rewards: [], campaigns: [] });
      continue;
    }
    results.push(await processEvent(deps, tenantId, raw, live, clock()));
  }
  return {
    received: events.length,
    processed: results.filter((r) => r.outcome !== 'DUPLICATE' && r.outcome !== 'INVALID_EVENT').length,
    duplicates: results.filter((r) => r.outcome === 'DUPLICATE').length,
    rewarded: results.filter((r) => r.outcome === 'REWARDED').length,
    results,
  };
}

async function processEvent(deps: IngestDeps, tenantId: string, event: BehaviourEvent, live: readonly LiveCampaign[], now: Date): Promise<EventResult> {
  const candidates = live.filter((l) => l.campaign.eventTypes.includes(event.type));
  // Reads outside the transaction (SQLite has one connection, held by the transaction).
  const [player, joined] = await Promise.all([
    deps.players.get(tenantId, event.playerId),
    candidates.some((l) => l.campaign.participationRule !== null) ? deps.campaigns.joinedIds(tenantId, event.playerId) : Promise.resolve(new Set<string>()),
  ]);
  const attributes = { ...player.attributes, ...(event.playerAttributes ?? {}) };
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

  const outcome = await deps.db.transaction().execute(async (trx) => {
    if (!(await recordEvent(trx, tenantId, event, now))) return null;
    await deps.players.ensure(trx, tenantId, event.playerId, event.playerAttributes);
    const campaigns: CampaignResult[] = [];
    const rewards: RewardRef[] = [];
    const groupsTaken = new Set<string>();
    for (const { campaign: c, rules } of candidates) {
      const result = (outcome: CampaignOutcome, detail?: string) => campaigns.push({ campaignId: c.id, outcome, ...(detail ? { detail } : {}) });
      if (c.exclusivityGroup !== null && groupsTaken.has(c.exclusivityGroup)) {
        result('EXCLUDED', `a higher-priority campaign in group ${c.exclusivityGroup} rewarded this event`);
        continue;
      }
      if (rules.participation !== null && !joined.has(c.id)) {
        result('NOT_JOINED');
        continue;
      }
      if (typeof data.currency === 'string' && data.currency !== c.currency) {
        result('CURRENCY_MISMATCH', `event in ${data.currency}, campaign in ${c.currency}`);
        continue;
      }
      const scale = scaleFor(c);
      let amount;
      try {
        if (rules.eligibility !== null && !holds(rules.eligibility, rootFor(c, rules.eligibility), now)) {
          result('NOT_ELIGIBLE');
          continue;
        }
        const value = rules.formula.evaluate(rootFor(c, rules.formula), undefined, { now });
        amount = roundMoney(typeof value === 'boolean' ? toDecimal(truthy(value) ? 1 : 0) : toDecimal(value, 'rewardFormula result'), scale);
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        result('RULE_ERROR', error.message);
        continue;
      }
      if (amount.lte(0)) {
        result('ZERO_REWARD');
        continue;
      }
      const unit = 10 ** scale;
      const claim = await claimReward(
        trx,
        { tenantId, campaignId: c.id, playerId: event.playerId },
        amount.times(unit).toNumber(),
        { maxCount: c.maxRewardsPerPlayer, maxAmountMinor: c.maxAmountPerPlayer === null ? null : toDecimal(c.maxAmountPerPlayer).times(unit).floor().toNumber(), cooldownSeconds: c.cooldownSeconds },
        now,
      );
      if (!claim.ok) {
        result(claim.reason);
        continue;
      }
      if (rules.participation === null) await addParticipant(trx, tenantId, c.id, event.playerId, 'AUTO', now);
      const amountText = amount.toFixed(scale);
      const quantity = c.rewardType === 'FREE_SPINS' || c.rewardType === 'POINTS' ? amount.toNumber() : undefined;
      const { id } = await createReward(trx, {
        tenantId,
        campaignId: c.id,
        playerId: event.playerId,
        eventId: event.eventId,
        amount: amountText,
        currency: c.currency,
        rewardType: c.rewardType,
        ...(quantity !== undefined ? { quantity } : {}),
        metadata: { campaignName: c.name, eventType: event.type },
      });
      rewards.push({ campaignId: c.id, rewardId: id, amount: amountText, currency: c.currency, rewardType: c.rewardType, ...(quantity !== undefined ? { quantity } : {}) });
      if (c.exclusivityGroup !== null) groupsTaken.add(c.exclusivityGroup);
      result('REWARDED');
    }
    const eventResult: EventResult = { eventId: event.eventId, outcome: eventOutcome(campaigns), rewards, campaigns };
    await saveOutcome(trx, tenantId, event.eventId, eventResult);
    return eventResult;
  });
  if (outcome) return outcome;
  const original = await findOutcome(deps.db, tenantId, event.eventId);
  return { eventId: event.eventId, outcome: 'DUPLICATE', ...(original ? { detail: `already processed: ${original.outcome}` } : {}), rewards: [], campaigns: [] };
}
