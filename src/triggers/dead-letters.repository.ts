/** SQL for `dead_letters` (and the dead letter's outbox copy, in the same transaction). */
import type { Kysely } from 'kysely';
import { fromDbTimestamp, fromJson, newId, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { DEAD_LETTER_ROOT, enqueueEvent } from '../platform/outbox/outbox.js';

export interface DeadLetterInput {
  readonly topic: string;
  readonly messageId: string;
  readonly tenantId: string | null;
  readonly reasonCode: string;
  readonly reason: string;
  /** Already storable (see `storableJson`). */
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly deliveryCount: number;
}

export interface DeadLetterView {
  readonly id: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly messageId: string;
  readonly tenantId: string | null;
  readonly reasonCode: string;
  readonly reason: string;
  readonly payload: unknown;
  readonly headers: Record<string, string>;
  readonly deliveryCount: number;
  readonly receivedAt: string;
}

/**
 * `banyan.dlq.<topic>`, made a valid outbox topic whatever the publisher's subject held: tokens
 * keep `[A-Za-z0-9_-]` (anything else becomes `_`), and the whole stays within the outbox's 200
 * characters. A dead letter must never fail to be written, or the message would be redelivered.
 */
export function deadLetterTopic(topic: string): string {
  const tokens = topic.split('.').map((t) => t.replace(/[^A-Za-z0-9_-]/g, '_') || '_');
  let out = DEAD_LETTER_ROOT;
  for (const token of tokens) {
    if (out.length + 1 + token.length > 200) break;
    out += `.${token}`;
  }
  return out === DEAD_LETTER_ROOT ? `${out}.${(tokens[0] ?? '_').slice(0, 180)}` : out;
}

/** Column bounds of dead_letters: a subject or header from the bus can be longer. */
const clip = (text: string, max: number): string => (text.length <= max ? text : text.slice(0, max));

/**
 * Stores a dead letter once per message (a redelivery of the same message id is not stored
 * again) and, in the same transaction, the outbox event that copies it to `banyan.dlq.<topic>`.
 */
export async function recordDeadLetter(db: Kysely<Tables>, input: DeadLetterInput, now: Date = new Date()): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('dead_letters')
      .select('id')
      .where('message_id', '=', clip(input.messageId, 200))
      .where('topic', '=', clip(input.topic, 300))
      .executeTakeFirst();
    if (existing) return existing.id;
    const id = newId();
    await trx
      .insertInto('dead_letters')
      .values({
        id,
        topic: clip(input.topic, 300),
        message_id: clip(input.messageId, 200),
        tenant_id: input.tenantId === null ? null : clip(input.tenantId, 64),
        reason_code: input.reasonCode,
        reason: input.reason,
        payload: toJson(input.payload),
        headers: toJson(input.headers),
        delivery_count: input.deliveryCount,
        received_at: toDbTimestamp(now),
      })
      .execute();
    await enqueueEvent(trx, {
      topic: deadLetterTopic(input.topic),
      tenantId: input.tenantId === null ? null : clip(input.tenantId, 64),
      key: clip(input.messageId, 200),
      payload: {
        deadLetterId: id,
        topic: input.topic,
        messageId: input.messageId,
        reasonCode: input.reasonCode,
        reason: input.reason,
        payload: input.payload,
        headers: input.headers,
      },
      headers: { 'Banyan-DLQ-Reason': input.reasonCode, 'Banyan-DLQ-Topic': input.topic },
    });
    return id;
  });
}

export async function listDeadLetters(
  db: Kysely<Tables>,
  filter: { readonly topic?: string; readonly reasonCode?: string },
  page: number,
  size: number,
): Promise<{ rows: DeadLetterView[]; total: number }> {
  let query = db.selectFrom('dead_letters');
  if (filter.topic) query = query.where('topic', '=', filter.topic);
  if (filter.reasonCode) query = query.where('reason_code', '=', filter.reasonCode);
  const [rows, total] = await Promise.all([
    query
      .selectAll()
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(size)
      .offset(page * size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(total.n),
    rows: rows.map((r) => ({
      id: r.id,
      topic: r.topic,
      deadLetterTopic: deadLetterTopic(r.topic),
      messageId: r.message_id,
      tenantId: r.tenant_id,
      reasonCode: r.reason_code,
      reason: r.reason,
      payload: fromJson(r.payload),
      headers: fromJson<Record<string, string>>(r.headers),
      deliveryCount: r.delivery_count,
      receivedAt: fromDbTimestamp(r.received_at) ?? '',
    })),
  };
}
