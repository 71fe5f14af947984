/**
 * Payload schemas of every subject in the catalogue (topics.ts), as JSON Schema (draft 2020-12
 * subset Ajv 8 reads). `$id` carries the version: `banyan:event/<name>/v<n>`; the outbox stamps it
 * on every row as the `Banyan-Schema` header. Schemas of what Banyan writes are closed
 * (`additionalProperties: false`), so a field added without a schema change fails the test that
 * validates every published message (test/events/schemas.test.ts); a compatible addition is a
 * schema change in place, an incompatible one a new version.
 */
import { SCHEMA_IDS } from './topics.js';

type JsonSchema = Readonly<Record<string, unknown>>;

const text = { type: 'string', minLength: 1 } as const;
const instant = { type: 'string', format: 'date-time' } as const;
/** Money is a decimal string, never a JSON number. */
const decimal = { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,8})?$' } as const;

const promotionJoin: JsonSchema = {
  $id: SCHEMA_IDS.promotionJoin,
  title: 'A player joined a campaign',
  type: 'object',
  additionalProperties: false,
  required: ['tenantId', 'campaignId', 'playerId', 'joinedAt'],
  properties: { tenantId: text, campaignId: text, playerId: text, joinedAt: instant },
};

const promotionReward: JsonSchema = {
  $id: SCHEMA_IDS.promotionReward,
  title: "A reward's life: created, retried, paid, failed",
  type: 'object',
  additionalProperties: false,
  required: ['event', 'rewardId', 'tenantId', 'campaignId', 'playerId', 'eventId', 'amount', 'currency', 'rewardType', 'quantity', 'status', 'occurredAt'],
  properties: {
    event: { enum: ['reward.created', 'reward.retried', 'reward.paid', 'reward.failed'] },
    rewardId: text,
    tenantId: text,
    campaignId: text,
    playerId: text,
    eventId: text,
    amount: decimal,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    rewardType: { enum: ['CASH', 'BONUS', 'FREE_SPINS', 'POINTS'] },
    quantity: { type: ['integer', 'null'], minimum: 0 },
    status: { enum: ['PENDING', 'PROCESSING', 'PAID', 'FAILED'] },
    walletTransactionId: text,
    reason: { type: 'string' },
    occurredAt: instant,
  },
  allOf: [
    { if: { properties: { event: { enum: ['reward.created', 'reward.retried'] } } }, then: { properties: { status: { const: 'PENDING' } } } },
    { if: { properties: { event: { const: 'reward.paid' } } }, then: { required: ['walletTransactionId'], properties: { status: { const: 'PAID' } } } },
    { if: { properties: { event: { const: 'reward.failed' } } }, then: { required: ['reason'], properties: { status: { const: 'FAILED' } } } },
  ],
};

/** Planned (no module publishes it yet): a decision model was retrained or replaced. */
const decisionModelUpdate: JsonSchema = {
  $id: SCHEMA_IDS.decisionModelUpdate,
  title: 'A decision model has a new version (reserved)',
  type: 'object',
  additionalProperties: false,
  required: ['tenantId', 'modelId', 'version', 'updatedAt'],
  properties: { tenantId: text, modelId: text, version: { type: 'integer', minimum: 1 }, updatedAt: instant, metrics: { type: 'object' } },
};

/** Planned (no module publishes it yet): a budget crossed a threshold. */
const billingBudgetAlert: JsonSchema = {
  $id: SCHEMA_IDS.billingBudgetAlert,
  title: 'A budget crossed an alert threshold (reserved)',
  type: 'object',
  additionalProperties: false,
  required: ['tenantId', 'budgetId', 'level', 'spent', 'limit', 'currency', 'occurredAt'],
  properties: {
    tenantId: text,
    budgetId: text,
    campaignId: text,
    level: { enum: ['WARNING', 'EXHAUSTED'] },
    spent: decimal,
    limit: decimal,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    occurredAt: instant,
  },
};

/** What outside producers publish on `trigger.<tenant>.user.<action>`; open, the consumer reads only these. */
const triggerBehaviour: JsonSchema = {
  $id: SCHEMA_IDS.triggerBehaviour,
  title: 'A behaviour event from an outside producer',
  type: 'object',
  required: ['playerId'],
  properties: {
    eventId: text,
    id: text,
    playerId: text,
    tenantId: text,
    occurredAt: instant,
    data: {},
    playerAttributes: { type: 'object' },
  },
};

const rewardPay: JsonSchema = {
  $id: SCHEMA_IDS.rewardPay,
  title: 'Work: pay this reward',
  type: 'object',
  additionalProperties: false,
  required: ['rewardId', 'tenantId', 'cause'],
  properties: { rewardId: text, tenantId: text, cause: { enum: ['created', 'retried'] } },
};

const rewardCallback: JsonSchema = {
  $id: SCHEMA_IDS.rewardCallback,
  title: "Work: deliver this paid reward's callback to its tenant",
  type: 'object',
  additionalProperties: false,
  required: ['factId', 'reward'],
  properties: {
    /** The outbox id of the `reward.paid` fact: the callback's `id` and `X-Banyan-Event-Id`. */
    factId: text,
    reward: { allOf: [{ $ref: SCHEMA_IDS.promotionReward }, { properties: { event: { const: 'reward.paid' } } }] },
  },
};

const deadLetter: JsonSchema = {
  $id: SCHEMA_IDS.deadLetter,
  title: 'A copy of an inbound message no consumer could use',
  type: 'object',
  additionalProperties: false,
  required: ['deadLetterId', 'topic', 'messageId', 'reasonCode', 'reason', 'payload', 'headers'],
  properties: {
    deadLetterId: text,
    topic: { type: 'string' },
    messageId: { type: 'string' },
    reasonCode: { enum: ['NOT_JSON', 'INVALID_TEXT', 'INVALID_EVENT', 'NO_TENANT', 'TENANT_MISMATCH', 'UNKNOWN_TENANT', 'UNKNOWN_SUBJECT'] },
    reason: { type: 'string' },
    payload: {},
    headers: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/** Every schema, keyed by `$id`. */
export const EVENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = Object.fromEntries(
  [promotionJoin, promotionReward, decisionModelUpdate, billingBudgetAlert, triggerBehaviour, rewardPay, rewardCallback, deadLetter].map((s) => [
    s['$id'] as string,
    s,
  ]),
);
