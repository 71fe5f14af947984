import { Type, type Static } from 'typebox';
import { MAX_AMOUNT } from '../engine/index.js';

export const MAX_BATCH = 500;

export const BehaviourEvent = Type.Object(
  {
    eventId: Type.String({ minLength: 1, maxLength: 100, description: 'Idempotency key, unique per tenant' }),
    type: Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$', maxLength: 100, description: 'user.deposit, user.login, user.bet …' }),
    playerId: Type.String({ minLength: 1, maxLength: 100 }),
    occurredAt: Type.String({ format: 'date-time' }),
    data: Type.Optional(
      Type.Object(
        {
          amount: Type.Optional(
            Type.Union([Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,8})?$' }), Type.Number({ minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT })], {
              description: `A decimal string or a number, at most ${MAX_AMOUNT} in absolute value`,
            }),
          ),
          currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
        },
        { additionalProperties: true, description: 'Read by rules as event.<name>' },
      ),
    ),
    playerAttributes: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Merged into the player’s attributes before evaluation' })),
  },
  { additionalProperties: false },
);
export type BehaviourEvent = Static<typeof BehaviourEvent>;

export const EventBatch = Type.Object(
  { events: Type.Array(BehaviourEvent, { minItems: 1, maxItems: MAX_BATCH }) },
  {
    additionalProperties: false,
    examples: [
      {
        events: [
          { eventId: 'dep-1001', type: 'user.deposit', playerId: 'p-42', occurredAt: '2026-01-15T10:30:00Z', data: { amount: '100.00', currency: 'USD' } },
        ],
      },
    ],
  },
);

/** Why a campaign did or did not reward an event (a closed set). */
export const CAMPAIGN_OUTCOMES = [
  'REWARDED',
  'LIMIT_REACHED',
  'AMOUNT_LIMIT_REACHED',
  'COOLDOWN',
  'EXCLUDED',
  'NOT_JOINED',
  'CURRENCY_MISMATCH',
  'ZERO_REWARD',
  'RULE_ERROR',
  'NOT_ELIGIBLE',
] as const;
export type CampaignOutcome = (typeof CAMPAIGN_OUTCOMES)[number];
export type EventOutcome = CampaignOutcome | 'DUPLICATE' | 'NO_ACTIVE_CAMPAIGN' | 'INVALID_EVENT';

const RewardRef = Type.Object({
  campaignId: Type.String(),
  rewardId: Type.String(),
  amount: Type.String(),
  currency: Type.String(),
  rewardType: Type.String(),
  quantity: Type.Optional(Type.Integer()),
});
const CampaignResult = Type.Object({ campaignId: Type.String(), outcome: Type.String(), detail: Type.Optional(Type.String()) });

export const EventResult = Type.Object({
  eventId: Type.String(),
  outcome: Type.String({ description: 'REWARDED, DUPLICATE, NO_ACTIVE_CAMPAIGN, NOT_ELIGIBLE, LIMIT_REACHED, COOLDOWN …' }),
  detail: Type.Optional(Type.String()),
  rewards: Type.Array(RewardRef),
  campaigns: Type.Array(CampaignResult),
});
export type EventResult = Static<typeof EventResult>;

export const IngestResult = Type.Object({
  received: Type.Integer(),
  processed: Type.Integer(),
  duplicates: Type.Integer(),
  rewarded: Type.Integer(),
  results: Type.Array(EventResult),
});
export type IngestResult = Static<typeof IngestResult>;
