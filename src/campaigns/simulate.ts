/**
 * Dry run of a campaign: a list of events (and a player's state) through the same rules, rounding
 * and limits the event pipeline uses, with each rule's result shown, and nothing written. Pure.
 * Differences from the pipeline: the campaign's status and schedule window are not applied (try
 * it before it is live), exclusivity with other campaigns is not modelled, and the cooldown is
 * measured on the events' `occurredAt` (the pipeline uses its own clock).
 */
import type { Decimal } from 'decimal.js';
import { currencyScale, roundMoney, toDecimal } from '../engine/index.js';
import { EngineError, type CompiledExpression } from '../engine/types.js';
import { holds, truthy, type CompiledCampaignRules } from './campaign-rules.js';
import type { CampaignRecord } from './campaigns.repository.js';
import type { SimulationInput, SimulationResult, SimulationStep } from './simulate.schema.js';

type Campaign = Pick<CampaignRecord, 'id' | 'eventTypes' | 'currency' | 'rewardType' | 'maxRewardsPerPlayer' | 'maxAmountPerPlayer' | 'cooldownSeconds'>;

const scaleOf = (c: Campaign): number => (c.rewardType === 'FREE_SPINS' || c.rewardType === 'POINTS' ? 0 : currencyScale(c.currency));

export function simulateCampaign(c: Campaign, rules: CompiledCampaignRules, input: SimulationInput, now: Date): SimulationResult {
  const playerId = input.player?.id ?? 'sim-player';
  const scale = scaleOf(c);
  let attributes: Record<string, unknown> = { ...(input.player?.attributes ?? {}) };
  let count = input.player?.rewardCount ?? 0;
  let total = roundMoney(toDecimal(input.player?.rewardAmount ?? 0), scale);
  let lastRewardAt = input.player?.lastRewardAt ? Date.parse(input.player.lastRewardAt) : null;
  const joined = input.player?.joined ?? false;
  let rewarded = 0;
  let paid = toDecimal(0);

  const steps = input.events.map((event, index): SimulationStep => {
    attributes = { ...attributes, ...(event.playerAttributes ?? {}) };
    const occurredAt = event.occurredAt ?? now.toISOString();
    const data = event.data ?? {};
    const eventId = event.eventId ?? `sim-${index + 1}`;
    const root = (rule: CompiledExpression) => ({
      player: { ...attributes, id: playerId },
      // As in the pipeline: SpEL gets money as a Decimal (BigDecimal), JSONLogic as sent.
      event: {
        ...(rule.language === 'spel' && data.amount !== undefined ? { ...data, amount: safeDecimal(data.amount) } : data),
        id: eventId,
        type: event.type,
        occurredAt,
      },
      campaign: { id: c.id, currency: c.currency, rewardType: c.rewardType },
    });
    const condition = (rule: CompiledExpression | null) => {
      if (rule === null) return { result: null };
      try {
        return { result: holds(rule, root(rule), now) };
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        return { result: null, error: error.message };
      }
    };
    const visibility = condition(rules.visibility);
    const participation = condition(rules.participation);
    const eligibility = condition(rules.eligibility);
    let amount: Decimal | null = null;
    let formulaError: string | undefined;
    try {
      const value = rules.formula.evaluate(root(rules.formula), undefined, { now });
      amount = roundMoney(typeof value === 'boolean' ? toDecimal(truthy(value) ? 1 : 0) : toDecimal(value, 'rewardFormula result'), scale);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      formulaError = error.message;
    }

    const listens = c.eventTypes.includes(event.type);
    // The pipeline's order: joined? → currency → eligibility → formula → limits.
    let outcome: string;
    if (!listens) outcome = 'NOT_LISTENING';
    else if (rules.participation !== null && !joined) outcome = 'NOT_JOINED';
    else if (typeof data.currency === 'string' && data.currency !== c.currency) outcome = 'CURRENCY_MISMATCH';
    else if (eligibility.error !== undefined || formulaError !== undefined) outcome = 'RULE_ERROR';
    else if (eligibility.result === false) outcome = 'NOT_ELIGIBLE';
    else if (amount === null || amount.lte(0)) outcome = 'ZERO_REWARD';
    else outcome = 'CLAIM';

    let limitOutcome = 'NOT_CHECKED';
    let reward: SimulationStep['reward'] = null;
    if (outcome === 'CLAIM' && amount !== null) {
      const at = Date.parse(occurredAt);
      if (c.maxRewardsPerPlayer !== null && count + 1 > c.maxRewardsPerPlayer) limitOutcome = 'LIMIT_REACHED';
      else if (c.maxAmountPerPlayer !== null && total.plus(amount).gt(toDecimal(c.maxAmountPerPlayer))) limitOutcome = 'AMOUNT_LIMIT_REACHED';
      else if (c.cooldownSeconds !== null && lastRewardAt !== null && at < lastRewardAt + c.cooldownSeconds * 1000) limitOutcome = 'COOLDOWN';
      else limitOutcome = 'OK';
      if (limitOutcome === 'OK') {
        count += 1;
        total = total.plus(amount);
        lastRewardAt = at;
        rewarded += 1;
        paid = paid.plus(amount);
        reward = { amount: amount.toFixed(scale), currency: c.currency, rewardType: c.rewardType };
        outcome = 'REWARDED';
      } else outcome = limitOutcome;
    }
    return {
      index,
      eventId,
      type: event.type,
      listens,
      rules: { visibility, participation, eligibility },
      formula: { amount: amount === null ? null : amount.toFixed(scale), ...(formulaError !== undefined ? { error: formulaError } : {}) },
      limits: { outcome: limitOutcome, rewardCount: count, rewardAmount: total.toFixed(scale) },
      outcome,
      reward,
    };
  });
  return { campaignId: c.id || null, playerId, steps, rewarded, totalAmount: paid.toFixed(scale) };
}

/** A Decimal when the value is one; else the value as given (the rule then reports its own error). */
function safeDecimal(value: unknown): unknown {
  try {
    return toDecimal(value);
  } catch {
    return value;
  }
}
