import type { Kysely, Selectable } from 'kysely';
import { apiDateToDb, fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { dbToIso } from '../platform/time.js';
import type { BehaviourEvent, EventResult } from './events.schema.js';
import type { BehaviourEventTable } from './events.tables.js';

/** Records the event unless (tenant, eventId) was seen before; true when this call recorded it. */
export async function recordEvent(trx: Kysely<Tables>, tenantId: string, event: BehaviourEvent, now: Date): Promise<boolean> {
  const result = await trx
    .insertInto('behaviour_events')
    .values({
      tenant_id: tenantId,
      event_id: event.eventId,
      type: event.type,
      player_id: event.playerId,
      occurred_at: apiDateToDb(event.occurredAt) ?? toDbTimestamp(now),
      data: toJson(event.data ?? {}),
      outcome: 'PROCESSING',
      results: null,
      received_at: toDbTimestamp(now),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function saveOutcome(trx: Kysely<Tables>, tenantId: string, eventId: string, result: EventResult): Promise<void> {
  await trx
    .updateTable('behaviour_events')
    .set({ outcome: result.outcome, results: toJson(result) })
    .where('tenant_id', '=', tenantId)
    .where('event_id', '=', eventId)
    .execute();
}

export async function findOutcome(db: Kysely<Tables>, tenantId: string, eventId: string): Promise<EventResult | undefined> {
  const row = await db.selectFrom('behaviour_events').select(['results']).where('tenant_id', '=', tenantId).where('event_id', '=', eventId).executeTakeFirst();
  return row?.results ? fromJson<EventResult>(row.results) : undefined;
}

type EventRow = Selectable<BehaviourEventTable>;

const eventView = (row: EventRow) => ({
  eventId: row.event_id,
  type: row.type,
  playerId: row.player_id,
  occurredAt: dbToIso(row.occurred_at) ?? '',
  data: fromJson<Record<string, unknown>>(row.data),
  outcome: row.outcome,
  result: row.results === null ? null : fromJson<EventResult>(row.results),
  receivedAt: dbToIso(row.received_at) ?? '',
});
export type EventView = ReturnType<typeof eventView>;

export async function findEvent(db: Kysely<Tables>, tenantId: string, eventId: string): Promise<EventView | undefined> {
  const row = await db.selectFrom('behaviour_events').selectAll().where('tenant_id', '=', tenantId).where('event_id', '=', eventId).executeTakeFirst();
  return row ? eventView(row) : undefined;
}

export interface EventFilter {
  readonly type?: string;
  readonly outcome?: string;
  readonly playerId?: string;
  /** Database timestamps (inclusive) on occurredAt. */
  readonly from?: string;
  readonly to?: string;
  readonly page: number;
  readonly size: number;
}

/** Received events, newest occurrence first. */
export async function listEvents(db: Kysely<Tables>, tenantId: string, f: EventFilter): Promise<{ rows: EventView[]; total: number }> {
  let q = db.selectFrom('behaviour_events').where('tenant_id', '=', tenantId);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  if (f.playerId !== undefined) q = q.where('player_id', '=', f.playerId);
  if (f.from !== undefined) q = q.where('occurred_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('occurred_at', '<=', f.to);
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('occurred_at', 'desc')
      .orderBy('event_id')
      .limit(f.size)
      .offset(f.page * f.size)
      .execute(),
    q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(eventView), total: Number(count.n) };
}
