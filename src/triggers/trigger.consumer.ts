/**
 * Behaviour events from NATS (`trigger.user.*`, e.g. `trigger.user.deposit`) into the campaigns
 * module's ingestion. Message body: `{ eventId, playerId, occurredAt?, data?, playerAttributes?,
 * tenantId? }`. The tenant comes from the `Banyan-Tenant-Id` header or the body's `tenantId`; the
 * event id from the body's `eventId`/`id` or, failing that, the message id, so a redelivered
 * message is recognised by ingestion as the same event (DUPLICATE). Acknowledged only after
 * ingestion returned; an ingestion error (database down …) redelivers.
 */
import type { Delivery, EventBus, Subscription } from '../platform/events/bus.js';

/**
 * The event as the campaigns module ingests it (`POST /api/v1/events` shape): the type is the
 * subject after `trigger.` (`trigger.user.deposit` → `user.deposit`).
 */
export interface BehaviourEvent {
  readonly eventId: string;
  readonly type: string;
  readonly playerId: unknown;
  readonly occurredAt: string;
  readonly data?: unknown;
  readonly playerAttributes?: unknown;
}

/** What ingestion reports per event; only the outcome matters here. */
export interface IngestReport {
  readonly results?: readonly { readonly eventId: string; readonly outcome: string; readonly detail?: string }[];
}

/** Hands events of one tenant to ingestion (the campaigns module's `ingestEvents`). */
export type IngestBehaviour = (tenantId: string, events: readonly BehaviourEvent[]) => Promise<IngestReport | void>;

export interface TriggerLogger {
  warn(obj: object, msg?: string): void;
}

export const TRIGGER_TOPIC = 'trigger.user.*';

export function toBehaviourEvent(delivery: Delivery): { tenantId: string; event: BehaviourEvent } | { error: string } {
  const payload = delivery.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { error: 'payload is not a JSON object' };
  const body = payload as Record<string, unknown>;
  const tenantId = delivery.tenantId ?? (typeof body['tenantId'] === 'string' ? body['tenantId'] : undefined);
  if (!tenantId) return { error: 'no tenant: set the Banyan-Tenant-Id header or payload.tenantId' };
  const given = body['eventId'] ?? body['id'];
  const eventId = typeof given === 'string' && given !== '' ? given : delivery.id;
  const occurredAt = typeof body['occurredAt'] === 'string' ? body['occurredAt'] : new Date(delivery.createdAt.includes('T') ? delivery.createdAt : `${delivery.createdAt.replace(' ', 'T')}Z`).toISOString();
  const event: BehaviourEvent = {
    eventId,
    type: delivery.topic.split('.').slice(1).join('.'),
    playerId: body['playerId'],
    occurredAt,
    ...(body['data'] !== undefined ? { data: body['data'] } : {}),
    ...(body['playerAttributes'] !== undefined ? { playerAttributes: body['playerAttributes'] } : {}),
  };
  return { tenantId, event };
}

export async function startTriggerConsumer(
  bus: EventBus,
  ingest: IngestBehaviour,
  options: { readonly logger: TriggerLogger; readonly concurrency?: number; readonly durable?: string },
): Promise<Subscription> {
  return bus.subscribe(
    TRIGGER_TOPIC,
    async (delivery) => {
      const parsed = toBehaviourEvent(delivery);
      if ('error' in parsed) {
        // A message that can never be ingested is dropped (acknowledged) with a warning, not redelivered forever.
        options.logger.warn({ eventId: delivery.id, topic: delivery.topic, error: parsed.error }, 'behaviour event dropped');
        return;
      }
      const report = await ingest(parsed.tenantId, [parsed.event]);
      for (const r of report?.results ?? []) {
        if (r.outcome === 'INVALID_EVENT') options.logger.warn({ eventId: r.eventId, topic: delivery.topic, error: r.detail }, 'behaviour event rejected by ingestion');
      }
    },
    { durable: options.durable ?? 'trigger-ingest', concurrency: options.concurrency ?? 16, ackWaitMs: 30_000, maxDeliver: 20 },
  );
}
