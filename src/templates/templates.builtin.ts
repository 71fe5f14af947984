/**
 * The built-in templates, as data: a JSON Schema for the parameters and a campaign draft in which
 * `{ "$param": "name" }` stands for a parameter's value (see build.ts). Tenant templates use the
 * same format, so the admin form and the API describe both the same way.
 */
import type { TemplateDefinition } from './build.js';

const currency = { type: 'string', pattern: '^[A-Z]{3}$', default: 'USD', description: 'ISO 4217 currency of the reward' };
const p = (name: string) => ({ $param: name });

export const BUILTIN_TEMPLATES: readonly TemplateDefinition[] = [
  {
    id: 'first-deposit-bonus',
    name: 'First deposit bonus',
    description: 'A fixed bonus for a player’s first qualifying deposit during the campaign (one reward per player).',
    parametersSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['bonusAmount'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200, default: 'First deposit bonus' },
        bonusAmount: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000, description: 'Bonus paid' },
        minDeposit: { type: 'number', minimum: 0, default: 10, description: 'Smallest qualifying deposit' },
        currency,
        rewardType: { enum: ['BONUS', 'CASH'], default: 'BONUS' },
      },
    },
    campaign: {
      name: p('name'),
      description: 'First deposit bonus',
      eventTypes: ['user.deposit'],
      rewardType: p('rewardType'),
      currency: p('currency'),
      eligibilityRule: { language: 'jsonlogic', rule: { '>=': [{ var: 'event.amount' }, p('minDeposit')] } },
      rewardFormula: { language: 'jsonlogic', rule: p('bonusAmount') },
      limits: { maxRewardsPerPlayer: 1 },
      priority: 100,
      exclusivityGroup: 'deposit',
    },
  },
  {
    id: 'deposit-match',
    name: 'Deposit match',
    description: 'Matches a percentage of each qualifying deposit, capped per reward, for a limited number of deposits.',
    parametersSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['matchPercent', 'maxBonus'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200, default: 'Deposit match' },
        matchPercent: { type: 'number', exclusiveMinimum: 0, maximum: 500, description: 'Percent of the deposit paid as bonus' },
        maxBonus: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000, description: 'Cap per reward' },
        minDeposit: { type: 'number', minimum: 0, default: 10 },
        maxRewardsPerPlayer: { type: 'integer', minimum: 1, maximum: 1000, default: 1 },
        currency,
      },
    },
    campaign: {
      name: p('name'),
      description: 'Deposit match',
      eventTypes: ['user.deposit'],
      rewardType: 'BONUS',
      currency: p('currency'),
      eligibilityRule: { language: 'jsonlogic', rule: { '>=': [{ var: 'event.amount' }, p('minDeposit')] } },
      rewardFormula: { language: 'jsonlogic', rule: { min: [{ '*': [{ var: 'event.amount' }, { '/': [p('matchPercent'), 100] }] }, p('maxBonus')] } },
      limits: { maxRewardsPerPlayer: p('maxRewardsPerPlayer') },
      priority: 50,
      exclusivityGroup: 'deposit',
    },
  },
  {
    id: 'cashback',
    name: 'Cashback',
    description: 'Returns a percentage of each losing bet (stake minus winnings), with an optional total cap per player.',
    parametersSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['cashbackPercent'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200, default: 'Cashback' },
        cashbackPercent: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
        minLoss: { type: 'number', exclusiveMinimum: 0, default: 1 },
        maxCashbackPerPlayer: { type: 'number', exclusiveMinimum: 0, description: 'Total cap per player (optional)' },
        currency,
      },
    },
    campaign: {
      name: p('name'),
      description: 'Cashback on net losses (event.amount = stake, event.winAmount = winnings)',
      eventTypes: ['user.bet'],
      rewardType: 'CASH',
      currency: p('currency'),
      eligibilityRule: { language: 'jsonlogic', rule: { '>=': [{ '-': [{ var: 'event.amount' }, { var: ['event.winAmount', 0] }] }, p('minLoss')] } },
      rewardFormula: {
        language: 'jsonlogic',
        rule: { '*': [{ '-': [{ var: 'event.amount' }, { var: ['event.winAmount', 0] }] }, { '/': [p('cashbackPercent'), 100] }] },
      },
      limits: { maxAmountPerPlayer: p('maxCashbackPerPlayer') },
      priority: 10,
    },
  },
  {
    id: 'login-streak',
    name: 'Login streak',
    description: 'Rewards a login that completes a streak of consecutive days (the login event carries streakDays), at most once per cooldown.',
    parametersSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['rewardAmount'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200, default: 'Login streak' },
        streakDays: { type: 'integer', minimum: 2, maximum: 365, default: 7 },
        rewardAmount: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
        rewardType: { enum: ['POINTS', 'FREE_SPINS', 'BONUS'], default: 'POINTS' },
        cooldownSeconds: { type: 'integer', minimum: 0, default: 86_400 },
        currency,
      },
    },
    campaign: {
      name: p('name'),
      description: 'Login streak reward',
      eventTypes: ['user.login'],
      rewardType: p('rewardType'),
      currency: p('currency'),
      eligibilityRule: { language: 'jsonlogic', rule: { '>=': [{ var: ['event.streakDays', 0] }, p('streakDays')] } },
      rewardFormula: { language: 'jsonlogic', rule: p('rewardAmount') },
      limits: { cooldownSeconds: p('cooldownSeconds') },
      priority: 0,
    },
  },
];
