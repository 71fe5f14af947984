/**
 * Every subject Banyan publishes or consumes, in one catalogue (docs/events.md is its prose).
 *
 * Two kinds of subjects, never mixed on one subject:
 * - **Published facts** keep the seed's names (seed 000, a contract): `promotion.event.join`,
 *   `promotion.event.reward`, … Something happened; anyone may listen, nobody owns the stream.
 * - **Internal work queues** are `banyan.work.<module>.<job>` (`banyan.work.reward.pay`): a job for
 *   exactly one consumer group (one durable), written in the same transaction as the fact that
 *   implies it. Its consumer handles every message on it, and no other consumer sees it.
 * Inbound subjects (`trigger.<tenant>.user.<action>`) are written by outside producers, and
 * dead letters (`banyan.dlq.<original subject>`) are copies of inbound messages nobody could use.
 *
 * Each entry names its payload schema (`schemas.ts`, JSON Schema, `$id` = `banyan:event/<name>/v<n>`);
 * the outbox stamps that id on every row it writes as the `Banyan-Schema` header, so a consumer
 * knows which version of the payload it holds. A new version is a new `$id`; the old one stays
 * listed until no writer uses it.
 */

/** Published facts: the seed's topics (seed 000), part of the contract, spelled exactly so. */
export const TOPICS = {
  promotionJoin: 'promotion.event.join',
  promotionReward: 'promotion.event.reward',
  decisionModelUpdate: 'decision.update.model',
  billingBudgetAlert: 'billing.budget.alert',
  triggerUserDeposit: 'trigger.user.deposit',
} as const;

/** Internal work queues: `banyan.work.<module>.<job>`, each consumed by one durable. */
export const WORK = {
  /** A reward to pay (it was created, or retried by hand): the reward worker. */
  rewardPay: 'banyan.work.reward.pay',
  /** A paid reward's callback to deliver to its tenant: the callback sender. */
  rewardCallback: 'banyan.work.reward.callback',
} as const;

/** Topic families of published facts and inbound events; a topic outside them would never reach a consumer. */
export const TOPIC_ROOTS = ['promotion', 'decision', 'billing', 'trigger'] as const;
/** Internal work queues: `banyan.work.<module>.<job>`. */
export const WORK_ROOT = 'banyan.work';
/** Dead letters: `banyan.dlq.<original topic>`, a copy of a message a consumer could not use. */
export const DEAD_LETTER_ROOT = 'banyan.dlq';
/** Every subject root the stream must carry (each as `<root>.>`). */
export const STREAM_ROOTS: readonly string[] = [...TOPIC_ROOTS, WORK_ROOT, DEAD_LETTER_ROOT];

/** The header naming the payload schema's `$id` (stamped by the outbox). */
export const SCHEMA_HEADER = 'Banyan-Schema';

export type SubjectKind = 'fact' | 'work' | 'inbound' | 'dead-letter';

export interface SubjectEntry {
  /** The subject, or a NATS wildcard pattern for a family (`trigger.*.user.*`). */
  readonly subject: string;
  readonly kind: SubjectKind;
  /** `reserved`: a seed topic no module publishes yet; its schema is the planned one. */
  readonly status: 'published' | 'reserved';
  /** `$id` of the payload schema in schemas.ts. */
  readonly schema: string;
  readonly publisher: string;
  /** Consumers and their durable names; empty for a fact nobody inside Banyan listens to. */
  readonly consumers: readonly string[];
}

const schemaId = (name: string, version: number): string => `banyan:event/${name}/v${version}`;

export const SCHEMA_IDS = {
  promotionJoin: schemaId(TOPICS.promotionJoin, 1),
  promotionReward: schemaId(TOPICS.promotionReward, 1),
  decisionModelUpdate: schemaId(TOPICS.decisionModelUpdate, 1),
  billingBudgetAlert: schemaId(TOPICS.billingBudgetAlert, 1),
  triggerBehaviour: schemaId('trigger.user', 1),
  rewardPay: schemaId(WORK.rewardPay, 1),
  rewardCallback: schemaId(WORK.rewardCallback, 1),
  deadLetter: schemaId(DEAD_LETTER_ROOT, 1),
} as const;

/** The catalogue. First match wins (`subjectEntry`), so specific subjects come before families. */
export const SUBJECTS: readonly SubjectEntry[] = [
  { subject: TOPICS.promotionJoin, kind: 'fact', status: 'published', schema: SCHEMA_IDS.promotionJoin, publisher: 'campaigns (join)', consumers: [] },
  {
    subject: TOPICS.promotionReward,
    kind: 'fact',
    status: 'published',
    schema: SCHEMA_IDS.promotionReward,
    publisher: 'rewards (createReward, retryReward, the worker; events/ingest.pg.ts on PostgreSQL)',
    consumers: [],
  },
  {
    subject: TOPICS.decisionModelUpdate,
    kind: 'fact',
    status: 'reserved',
    schema: SCHEMA_IDS.decisionModelUpdate,
    publisher: 'decisions/feedback (planned)',
    consumers: [],
  },
  {
    subject: TOPICS.billingBudgetAlert,
    kind: 'fact',
    status: 'reserved',
    schema: SCHEMA_IDS.billingBudgetAlert,
    publisher: 'budgets (planned)',
    consumers: [],
  },
  {
    subject: WORK.rewardPay,
    kind: 'work',
    status: 'published',
    schema: SCHEMA_IDS.rewardPay,
    publisher: 'rewards (createReward, retryReward; events/ingest.pg.ts on PostgreSQL)',
    consumers: ['rewards worker (durable reward-pay)'],
  },
  {
    subject: WORK.rewardCallback,
    kind: 'work',
    status: 'published',
    schema: SCHEMA_IDS.rewardCallback,
    publisher: 'rewards worker (markPaid)',
    consumers: ['rewards callbacks (durable reward-callback)'],
  },
  {
    subject: 'trigger.*.user.*',
    kind: 'inbound',
    status: 'published',
    schema: SCHEMA_IDS.triggerBehaviour,
    publisher: 'outside producers (or enqueueEvent)',
    consumers: ['triggers (durable trigger-ingest-tenant)'],
  },
  {
    subject: 'trigger.user.*',
    kind: 'inbound',
    status: 'published',
    schema: SCHEMA_IDS.triggerBehaviour,
    publisher: 'outside producers (single-tenant, TRIGGER_DEFAULT_TENANT)',
    consumers: ['triggers (durable trigger-ingest-tenant)'],
  },
  {
    subject: `${DEAD_LETTER_ROOT}.>`,
    kind: 'dead-letter',
    status: 'published',
    schema: SCHEMA_IDS.deadLetter,
    publisher: 'triggers (dead letters, through the outbox)',
    consumers: [],
  },
];

/** NATS subject matching, shared so both buses and the catalogue agree on what a wildcard means. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** The catalogue entry of a concrete subject, if it has one. */
export function subjectEntry(topic: string): SubjectEntry | undefined {
  return SUBJECTS.find((e) => subjectMatches(e.subject, topic));
}
