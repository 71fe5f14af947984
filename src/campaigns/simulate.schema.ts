import { Type, type Static } from 'typebox';
import { MAX_AMOUNT } from '../engine/index.js';
import { CampaignInput } from './campaigns.schema.js';

// The campaign API's amount bounds (MAX_AMOUNT, 12 integer digits).
const Amount = Type.Union([Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,4})?$' }), Type.Number({ minimum: 0, maximum: MAX_AMOUNT })]);

export const SimulatedEvent = Type.Object(
  {
    eventId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    type: Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$', maxLength: 100 }),
    occurredAt: Type.Optional(Type.String({ format: 'date-time', description: 'default: now; also the clock of the simulated cooldown' })),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'read by rules as event.<name>' })),
    playerAttributes: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'merged into the player’s attributes from this event on' })),
  },
  { additionalProperties: false },
);

export const SimulatedPlayer = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'default sim-player' })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    joined: Type.Optional(Type.Boolean({ description: 'has joined the campaign (for a participation rule); default false' })),
    rewardCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'rewards already received from this campaign' })),
    rewardAmount: Type.Optional(Amount),
    lastRewardAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

const Simulation = {
  events: Type.Array(SimulatedEvent, { minItems: 1, maxItems: 100 }),
  player: Type.Optional(SimulatedPlayer),
};

export const SimulationInput = Type.Object(Simulation, {
  additionalProperties: false,
  examples: [
    {
      events: [
        { type: 'user.deposit', data: { amount: '80', currency: 'USD' } },
        { type: 'user.deposit', data: { amount: '500', currency: 'USD' } },
      ],
      player: { attributes: { vip: true } },
    },
  ],
});
export type SimulationInput = Static<typeof SimulationInput>;

export const DraftSimulationInput = Type.Object({ campaign: CampaignInput, ...Simulation }, { additionalProperties: false });
export type DraftSimulationInput = Static<typeof DraftSimulationInput>;

const RuleResult = Type.Object({
  result: Type.Union([Type.Boolean(), Type.Null()], { description: 'null when the campaign has no such rule (everyone)' }),
  error: Type.Optional(Type.String()),
});

export const SimulationStep = Type.Object({
  index: Type.Integer(),
  eventId: Type.String(),
  type: Type.String(),
  listens: Type.Boolean({ description: 'the campaign listens to this event type' }),
  rules: Type.Object({ visibility: RuleResult, participation: RuleResult, eligibility: RuleResult }),
  formula: Type.Object({
    amount: Type.Union([Type.String(), Type.Null()], { description: 'rounded HALF_UP at the currency scale' }),
    error: Type.Optional(Type.String()),
  }),
  limits: Type.Object({
    outcome: Type.String({ description: 'OK, LIMIT_REACHED, AMOUNT_LIMIT_REACHED, COOLDOWN, or NOT_CHECKED' }),
    rewardCount: Type.Integer({ description: 'after this event' }),
    rewardAmount: Type.String({ description: 'after this event' }),
  }),
  outcome: Type.String({
    description:
      'what the event pipeline would answer for this campaign: REWARDED, NOT_ELIGIBLE, NOT_JOINED, CURRENCY_MISMATCH, ZERO_REWARD, RULE_ERROR, LIMIT_REACHED, AMOUNT_LIMIT_REACHED, COOLDOWN, NOT_LISTENING',
  }),
  reward: Type.Union([Type.Object({ amount: Type.String(), currency: Type.String(), rewardType: Type.String() }), Type.Null()]),
});
export type SimulationStep = Static<typeof SimulationStep>;

export const SimulationResult = Type.Object({
  campaignId: Type.Union([Type.String(), Type.Null()]),
  playerId: Type.String(),
  steps: Type.Array(SimulationStep),
  rewarded: Type.Integer(),
  totalAmount: Type.String(),
});
export type SimulationResult = Static<typeof SimulationResult>;
