/**
 * Behaviour events from NATS (`trigger.user.*`, e.g. `trigger.user.deposit`) into the campaigns
 * module's ingestion. The tenant comes from the `Banyan-Tenant-Id` header or the payload's
 * `tenantId`; the event id from the payload's `eventId`/`id` or, failing that, the message id, so
 * a redelivered message is recognised by ingestion as the same event. Acknowledged only after
 * ingestion succeeded.
 */
import type { Delivery, EventBus, Subscription } from '../platform/events/bus.js';

export interface BehaviourEvent {
  readonly eventId: string;
  /** The action after `trigger.user.`, e.g. `deposit`. */
  readonly type: string;
  readonly topic: string;
  readonly payload: Record<string, unknown>;
}

/** Hands events of one tenant to ingestion (the campaigns module's `ingestEvents`). */
export type IngestBehaviour = (tenantId: string, events: readonly BehaviourEvent[]) => Promise<unknown>;

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
  const type = delivery.topic.split('.').slice(2).join('.');
  return { tenantId, event: { eventId, type, topic: delivery.topic, payload: body } };
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
      await ingest(parsed.tenantId, [parsed.event]);
    },
    { durable: options.durable ?? 'trigger-ingest', concurrency: options.concurrency ?? 16, ackWaitMs: 30_000, maxDeliver: 20 },
  );
}
