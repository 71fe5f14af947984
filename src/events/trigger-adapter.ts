/**
 * NATS `trigger.user.<action>` messages (see src/triggers/trigger.consumer.ts) → ingestEvents.
 * The payload is the behaviour event itself (`playerId`, `occurredAt`, `data`, optional
 * `playerAttributes`); the type comes from the subject (`trigger.user.deposit` → `user.deposit`)
 * and the event id from the consumer (payload id or the message id, so redeliveries are duplicates).
 */
import type { BehaviourEvent as TriggerEvent } from '../triggers/trigger.consumer.js';
import { ingestEvents, type IngestDeps, type IngestResult } from './events.service.js';

export function fromTrigger(event: TriggerEvent, now: Date): Record<string, unknown> {
  const p = event.payload;
  const data = typeof p['data'] === 'object' && p['data'] !== null ? p['data'] : Object.fromEntries(Object.entries(p).filter(([k]) => !['eventId', 'id', 'tenantId', 'playerId', 'occurredAt', 'type', 'playerAttributes'].includes(k)));
  return {
    eventId: event.eventId,
    type: `user.${event.type}`,
    playerId: p['playerId'],
    occurredAt: typeof p['occurredAt'] === 'string' ? p['occurredAt'] : now.toISOString(),
    data,
    ...(p['playerAttributes'] !== undefined ? { playerAttributes: p['playerAttributes'] } : {}),
  };
}

/**
 * Ingests trigger events. Bad events come back as INVALID_EVENT results (acknowledged, not
 * redelivered); a database failure throws, so the message is redelivered and deduplicated then.
 */
export async function ingestTriggerEvents(deps: IngestDeps, tenantId: string, events: readonly TriggerEvent[]): Promise<IngestResult> {
  const now = (deps.now ?? (() => new Date()))();
  return ingestEvents(deps, tenantId, events.map((e) => fromTrigger(e, now)));
}
