/**
 * Behaviour events from NATS into the campaigns module's ingestion. The tenant is the subject's:
 * `trigger.<tenant>.user.<type>` (e.g. `trigger.acme.user.deposit`), so what a publisher may inject
 * is exactly what its NATS permissions on `trigger.<tenant>.>` allow (docs/events.md). The seed's
 * `trigger.user.<type>` is accepted only when one default tenant is configured
 * (`TRIGGER_DEFAULT_TENANT`). A body or `Banyan-Tenant-Id` header naming another tenant is refused.
 *
 * Message body: `{ eventId, playerId, occurredAt?, data?, playerAttributes? }`; the event id is the
 * body's `eventId`/`id` or, failing that, the message id, so a redelivered message is recognised by
 * ingestion as the same event (DUPLICATE). Acknowledged only after ingestion returned; an
 * ingestion error (database down …) redelivers. A message that can never be ingested (not JSON,
 * ill-formed text, invalid event, no or another tenant) is acknowledged and dead-lettered
 * (dead-letters.ts): stored, copied to `banyan.dlq.<subject>`, counted, one warning line.
 */
import type { Delivery, EventBus, Subscription } from '../platform/events/bus.js';
import { describeIllFormed, findIllFormedText } from '../platform/text.js';
import type { DeadLetterSink, DeadReason } from './dead-letters.js';

/**
 * The event as the campaigns module ingests it (`POST /api/v1/events` shape): the type is the
 * subject after the tenant (`trigger.acme.user.deposit` → `user.deposit`).
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

/** Both subject forms; anything else under `trigger.` is dead-lettered as UNKNOWN_SUBJECT. */
export const TRIGGER_TOPIC = 'trigger.>';

export interface TriggerOptions {
  /** The tenant of the seed's un-namespaced `trigger.user.<type>` (single-tenant deployments only). */
  readonly defaultTenant?: string | undefined;
}

/** The tenants module's id rule (tenants.schema.ts): a subject token outside it names no tenant. */
const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;

type Parsed = { readonly tenantId: string; readonly event: BehaviourEvent } | { readonly error: DeadReason; readonly tenantId?: string };

/** The tenant and event type a subject names, or why it names none. */
export function routeOf(topic: string, options: TriggerOptions = {}): { tenantId: string; type: string } | { error: DeadReason } {
  const t = topic.split('.');
  if (t[0] === 'trigger' && t.length === 4 && t[2] === 'user' && t[1] && t[3]) {
    if (!TENANT_ID.test(t[1])) return { error: { code: 'UNKNOWN_TENANT', reason: `${t[1].slice(0, 64)} is not a tenant id` } };
    return { tenantId: t[1], type: `user.${t[3]}` };
  }
  if (t[0] === 'trigger' && t.length === 3 && t[1] === 'user' && t[2]) {
    if (options.defaultTenant) return { tenantId: options.defaultTenant, type: `user.${t[2]}` };
    return {
      error: {
        code: 'NO_TENANT',
        reason: `${topic} names no tenant: publish on trigger.<tenant>.user.${t[2]} (or configure TRIGGER_DEFAULT_TENANT for a single-tenant deployment)`,
      },
    };
  }
  return { error: { code: 'UNKNOWN_SUBJECT', reason: `${topic} is not trigger.<tenant>.user.<type>` } };
}

export function toBehaviourEvent(delivery: Delivery, options: TriggerOptions = {}): Parsed {
  const route = routeOf(delivery.topic, options);
  if ('error' in route) return route;
  const { tenantId } = route;
  if (delivery.malformed) return { tenantId, error: { code: 'NOT_JSON', reason: delivery.malformed.reason } };
  const payload = delivery.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return { tenantId, error: { code: 'INVALID_EVENT', reason: 'payload is not a JSON object' } };
  const illFormed = findIllFormedText(payload);
  if (illFormed) return { tenantId, error: { code: 'INVALID_TEXT', reason: describeIllFormed(illFormed) } };
  const body = payload as Record<string, unknown>;
  // The subject decides; a header or body naming someone else is an injection attempt, not a hint.
  for (const [where, named] of [
    ['Banyan-Tenant-Id header', delivery.tenantId],
    ['payload.tenantId', body['tenantId']],
  ] as const) {
    if (named !== undefined && named !== null && named !== tenantId) {
      return { tenantId, error: { code: 'TENANT_MISMATCH', reason: `${where} ${JSON.stringify(named)} differs from the subject's tenant ${tenantId}` } };
    }
  }
  const given = body['eventId'] ?? body['id'];
  const eventId = typeof given === 'string' && given !== '' ? given : delivery.id;
  const occurredAt =
    typeof body['occurredAt'] === 'string'
      ? body['occurredAt']
      : new Date(delivery.createdAt.includes('T') ? delivery.createdAt : `${delivery.createdAt.replace(' ', 'T')}Z`).toISOString();
  const event: BehaviourEvent = {
    eventId,
    type: route.type,
    playerId: body['playerId'],
    occurredAt,
    ...(body['data'] !== undefined ? { data: body['data'] } : {}),
    ...(body['playerAttributes'] !== undefined ? { playerAttributes: body['playerAttributes'] } : {}),
  };
  return { tenantId, event };
}

export interface TriggerConsumerOptions extends TriggerOptions {
  readonly logger: TriggerLogger;
  /** Where unusable messages go (stored, copied to banyan.dlq.<subject>, counted). */
  readonly deadLetters: DeadLetterSink;
  /** Whether a tenant exists and is active; a subject naming any other tenant is dead-lettered. */
  readonly tenantActive?: (tenantId: string) => Promise<boolean>;
  readonly concurrency?: number;
  readonly durable?: string;
}

export async function startTriggerConsumer(bus: EventBus, ingest: IngestBehaviour, options: TriggerConsumerOptions): Promise<Subscription> {
  return bus.subscribe(
    TRIGGER_TOPIC,
    async (delivery) => {
      const parsed = toBehaviourEvent(delivery, options);
      if ('error' in parsed) return options.deadLetters.accept(delivery, parsed.error, parsed.tenantId);
      if (options.tenantActive && !(await options.tenantActive(parsed.tenantId))) {
        return options.deadLetters.accept(
          delivery,
          { code: 'UNKNOWN_TENANT', reason: `tenant ${parsed.tenantId} does not exist or is not active` },
          parsed.tenantId,
        );
      }
      const report = await ingest(parsed.tenantId, [parsed.event]);
      for (const r of report?.results ?? []) {
        if (r.outcome === 'INVALID_EVENT')
          await options.deadLetters.accept(delivery, { code: 'INVALID_EVENT', reason: r.detail ?? 'invalid event' }, parsed.tenantId);
      }
    },
    // A new durable name: the filter changed from trigger.user.* (NATS 2.9 cannot update a filter in place).
    { durable: options.durable ?? 'trigger-ingest-tenant', concurrency: options.concurrency ?? 16, ackWaitMs: 30_000, maxDeliver: 20, malformed: 'deliver' },
  );
}
