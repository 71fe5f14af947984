/**
 * Dead letters: a bus message that can never be processed is acknowledged (not redelivered
 * twenty times), stored in `dead_letters`, copied to `banyan.dlq.<subject>` through the outbox,
 * counted (`banyan_dead_letters_total`) and logged as ONE warning line without a stack trace:
 * bad input from a publisher is expected, not a Banyan failure.
 */
import type { Kysely } from 'kysely';
import { Counter, register } from 'prom-client';
import type { Delivery } from '../platform/events/bus.js';
import type { Tables } from '../platform/db/tables.js';
import { storableJson } from '../platform/text.js';
import { listDeadLetters, recordDeadLetter, type DeadLetterView } from './dead-letters.repository.js';

export type DeadReasonCode = 'NOT_JSON' | 'INVALID_TEXT' | 'INVALID_EVENT' | 'NO_TENANT' | 'TENANT_MISMATCH' | 'UNKNOWN_TENANT' | 'UNKNOWN_SUBJECT';

export interface DeadReason {
  readonly code: DeadReasonCode;
  readonly reason: string;
}

export interface DeadLetterSink {
  /** Records the message as dead; resolves when stored (the caller then acknowledges it). */
  accept(delivery: Delivery, reason: DeadReason, tenantId?: string): Promise<void>;
}

const METRIC = 'banyan_dead_letters_total';

/** One counter per process (several apps in one test process share the default registry). */
export function deadLetterCounter(): Counter<'topic' | 'reason'> {
  const existing = register.getSingleMetric(METRIC);
  if (existing) return existing as Counter<'topic' | 'reason'>;
  return new Counter({
    name: METRIC,
    help: 'Bus messages dead-lettered (acknowledged without processing), by topic and reason code',
    labelNames: ['topic', 'reason'],
  });
}

/** Bounded copies: a dead letter is evidence for an operator, not an archive of whatever was sent. */
const MAX_REASON = 1000;
const MAX_PAYLOAD_CHARS = 65_536;

function bounded(delivery: Delivery): unknown {
  if (delivery.malformed) return { raw: storableJson(delivery.malformed.raw) };
  const text = JSON.stringify(storableJson(delivery.payload)) ?? 'null';
  return text.length <= MAX_PAYLOAD_CHARS
    ? (JSON.parse(text) as unknown)
    : { truncated: true, originalChars: text.length, raw: text.slice(0, MAX_PAYLOAD_CHARS) };
}

/** The dead-letter module's service: the consumer's sink, and the listing the ADMIN route serves. */
export interface DeadLetters extends DeadLetterSink {
  list(filter: { readonly topic?: string; readonly reasonCode?: string }, page: number, size: number): Promise<{ rows: DeadLetterView[]; total: number }>;
}

export function createDeadLetterSink(deps: { readonly db: Kysely<Tables>; readonly logger: { warn(obj: object, msg?: string): void } }): DeadLetters {
  const counter = deadLetterCounter();
  return {
    async accept(delivery, reason, tenantId) {
      const headers = storableJson({ ...delivery.headers, ...(delivery.tenantId ? { 'Banyan-Tenant-Id': delivery.tenantId } : {}) }) as Record<string, string>;
      const id = await recordDeadLetter(deps.db, {
        topic: delivery.topic,
        messageId: delivery.id,
        tenantId: tenantId ?? null,
        reasonCode: reason.code,
        reason: String(storableJson(reason.reason.slice(0, MAX_REASON))),
        payload: bounded(delivery),
        headers,
        deliveryCount: delivery.deliveryCount,
      });
      counter.inc({ topic: delivery.topic.split('.').slice(0, 1).join('.'), reason: reason.code });
      deps.logger.warn(
        { deadLetterId: id, topic: delivery.topic, messageId: delivery.id, reasonCode: reason.code, reason: reason.reason.slice(0, 200) },
        'bus message dead-lettered',
      );
    },
    list: (filter, page, size) => listDeadLetters(deps.db, filter, page, size),
  };
}
