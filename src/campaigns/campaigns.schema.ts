import { Type, type Static } from 'typebox';
import { MAX_AMOUNT } from '../engine/index.js';

export const CAMPAIGN_STATUSES = ['DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED', 'ENDED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CampaignStatusSchema = Type.Union(CAMPAIGN_STATUSES.map((s) => Type.Literal(s)));

export const REWARD_TYPES = ['CASH', 'BONUS', 'FREE_SPINS', 'POINTS'] as const;
export const RewardTypeSchema = Type.Union(REWARD_TYPES.map((s) => Type.Literal(s)));

const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601 with zone, e.g. 2026-01-01T00:00:00Z' });
// At most MAX_AMOUNT (12 integer digits), so a limit in minor units stays an exact JavaScript integer.
const Decimal = Type.Union([Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,4})?$' }), Type.Number({ minimum: 0, maximum: MAX_AMOUNT })]);

/** A rule in one of the engine's languages; JSONLogic takes a JSON value, SpEL a string. */
export const RuleSpec = Type.Object(
  {
    language: Type.Optional(Type.Union([Type.Literal('jsonlogic'), Type.Literal('spel')], { description: 'default jsonlogic' })),
    rule: Type.Unknown({ description: 'JSONLogic: a JSON value; SpEL: expression text' }),
  },
  { additionalProperties: false },
);
export type RuleSpec = Static<typeof RuleSpec>;

export const CampaignLimits = Type.Object(
  {
    // No `null` branches: absent means unlimited, and an explicit null must not be read as a limit.
    maxRewardsPerPlayer: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    maxAmountPerPlayer: Type.Optional(Decimal),
    cooldownSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
  },
  { additionalProperties: false },
);

export const CampaignInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    eventTypes: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$', maxLength: 100 }), {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
    }),
    rewardType: RewardTypeSchema,
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    visibilityRule: Type.Optional(Type.Union([RuleSpec, Type.Null()])),
    participationRule: Type.Optional(Type.Union([RuleSpec, Type.Null()])),
    eligibilityRule: Type.Optional(Type.Union([RuleSpec, Type.Null()])),
    rewardFormula: RuleSpec,
    limits: Type.Optional(CampaignLimits),
    priority: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
    exclusivityGroup: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
    startsAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
    endsAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'Deposit match 50%',
        eventTypes: ['user.deposit'],
        rewardType: 'BONUS',
        currency: 'USD',
        eligibilityRule: { language: 'jsonlogic', rule: { '>=': [{ var: 'event.amount' }, 20] } },
        rewardFormula: { language: 'jsonlogic', rule: { min: [{ '*': [{ var: 'event.amount' }, 0.5] }, 200] } },
        limits: { maxRewardsPerPlayer: 3, maxAmountPerPlayer: '500', cooldownSeconds: 3600 },
        priority: 10,
        exclusivityGroup: 'deposit',
      },
    ],
  },
);
export type CampaignInput = Static<typeof CampaignInput>;

export const CampaignView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  effectiveStatus: Type.String({ description: 'status evaluated against the schedule window now' }),
  eventTypes: Type.Array(Type.String()),
  rewardType: Type.String(),
  currency: Type.String(),
  visibilityRule: Type.Union([RuleSpec, Type.Null()]),
  participationRule: Type.Union([RuleSpec, Type.Null()]),
  eligibilityRule: Type.Union([RuleSpec, Type.Null()]),
  rewardFormula: RuleSpec,
  limits: Type.Object({
    maxRewardsPerPlayer: Type.Union([Type.Integer(), Type.Null()]),
    maxAmountPerPlayer: Type.Union([Type.String(), Type.Null()]),
    cooldownSeconds: Type.Union([Type.Integer(), Type.Null()]),
  }),
  priority: Type.Integer(),
  exclusivityGroup: Type.Union([Type.String(), Type.Null()]),
  startsAt: Type.Union([Type.String(), Type.Null()]),
  endsAt: Type.Union([Type.String(), Type.Null()]),
  templateId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type CampaignView = Static<typeof CampaignView>;

export const TransitionInput = Type.Object({ to: CampaignStatusSchema }, { additionalProperties: false });

export const CampaignListQuery = Type.Object({
  status: Type.Optional(CampaignStatusSchema),
  name: Type.Optional(Type.String({ maxLength: 100, description: 'name contains (case-insensitive)' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'name contains (same as name)' })),
  templateId: Type.Optional(Type.String({ maxLength: 100, description: 'built from this template' })),
  eventType: Type.Optional(Type.String({ maxLength: 100, description: 'listens to this event type' })),
  rewardType: Type.Optional(RewardTypeSchema),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  exclusivityGroup: Type.Optional(Type.String({ maxLength: 100 })),
});

export const JoinInput = Type.Object({ playerId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export const JoinView = Type.Object({
  campaignId: Type.String(),
  playerId: Type.String(),
  joined: Type.Boolean(),
  alreadyJoined: Type.Boolean(),
  joinedAt: Type.String(),
});
