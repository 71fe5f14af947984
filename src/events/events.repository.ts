import type { Kysely } from 'kysely';
import { apiDateToDb, fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { dbToIso } from '../platform/time.js';
import type { BehaviourEvent, EventResult } from './events.schema.js';

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
  await trx.updateTable('behaviour_events').set({ outcome: result.outcome, results: toJson(result) }).where('tenant_id', '=', tenantId).where('event_id', '=', eventId).execute();
}

export async function findOutcome(db: Kysely<Tables>, tenantId: string, eventId: string): Promise<EventResult | undefined> {
  const row = await db.selectFrom('behaviour_events').select(['results']).where('tenant_id', '=', tenantId).where('event_id', '=', eventId).executeTakeFirst();
  return row?.results ? fromJson<EventResult>(row.results) : undefined;
}

export async function findEvent(db: Kysely<Tables>, tenantId: string, eventId: string) {
  const row = await db.selectFrom('behaviour_events').selectAll().where('tenant_id', '=', tenantId).where('event_id', '=', eventId).executeTakeFirst();
  if (!row) return undefined;
  return {
    eventId: row.event_id,
    type: row.type,
    playerId: row.player_id,
    occurredAt: dbToIso(row.occurred_at) ?? '',
    data: fromJson<Record<string, unknown>>(row.data),
    outcome: row.outcome,
    result: row.results === null ? null : fromJson<EventResult>(row.results),
    receivedAt: dbToIso(row.received_at) ?? '',
  };
}
