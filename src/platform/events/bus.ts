/**
 * The event bus: what the relay publishes to and what consumers (reward worker, callbacks,
 * trigger ingestion, later metrics and notifications) subscribe to. Two implementations:
 * the in-process dispatcher below (default, no broker) and NATS JetStream (nats-bus.ts).
 *
 * Delivery is at-least-once in both: a handler that throws, or asks for a retry, sees the event
 * again; handlers must be idempotent (every event carries a unique `id`).
 */
import type { OutboxEvent } from '../outbox/outbox.js';
import { AppError } from '../errors.js';
import { subjectMatches } from './topics.js';

export interface Delivery extends OutboxEvent {
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  /**
   * Set (with `payload: null`) when the message body is not JSON, for subscribers that asked for
   * `malformed: 'deliver'`: why it could not be read, and the body as text (bounded).
   */
  readonly malformed?: { readonly reason: string; readonly raw: string };
}

/** Resolve to acknowledge; `{ retryInMs }` to have the event redelivered later; throw to redeliver with backoff. */
export type HandlerResult = void | { readonly retryInMs: number };
export type EventHandler = (event: Delivery) => Promise<HandlerResult>;

export interface SubscribeOptions {
  /** Consumers with the same durable name share the work (each event goes to one of them). */
  readonly durable: string;
  /** Accepted for symmetry with push-style brokers; JetStream pull consumers already share by durable. */
  readonly queue?: string;
  /** Redeliver when not acknowledged within this time (default 30 s). */
  readonly ackWaitMs?: number;
  /** Give up on an event after this many deliveries (default unlimited). */
  readonly maxDeliver?: number;
  /** Events handled at once by this subscriber (default 16). */
  readonly concurrency?: number;
  /**
   * A body that is not JSON: `redeliver` (default) treats it as a handler failure; `deliver` hands
   * it to the handler with `delivery.malformed` set, for consumers that dead-letter bad input.
   */
  readonly malformed?: 'redeliver' | 'deliver';
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'in-process' | 'nats';
  /** Resolves once the bus has accepted the event (for JetStream: the stream's publish ack). */
  publish(event: OutboxEvent): Promise<void>;
  /** `topic` may use NATS wildcards: `*` one token, `>` the rest. */
  subscribe(topic: string, handler: EventHandler, options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

/** NATS subject matching, shared so both buses agree on what a wildcard means (it lives with the subject catalogue). */
export { subjectMatches } from './topics.js';

/** Redelivery delay after a handler error: exponential with full jitter, 100 ms … 30 s. */
export function redeliveryDelay(deliveryCount: number, random: () => number = Math.random): number {
  const cap = Math.min(30_000, 100 * 2 ** Math.min(deliveryCount, 20));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

interface Group {
  readonly topic: string;
  readonly options: SubscribeOptions;
  readonly members: Member[];
  /** Deliveries waiting for a free slot (every member at its concurrency limit). */
  readonly backlog: (() => void)[];
  next: number;
}

interface Member {
  readonly handler: EventHandler;
  active: number;
  stopped: boolean;
}

/**
 * Dispatch inside the process. Nothing survives a crash here; that is acceptable because the
 * outbox row is the durable record and consumers that must not lose work (the reward worker)
 * also sweep their own tables.
 */
export class InProcessBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly groups = new Map<string, Group>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly onError: (err: unknown, event: OutboxEvent) => void = () => undefined) {}

  async publish(event: OutboxEvent): Promise<void> {
    if (this.closed) throw new AppError('SERVICE_UNAVAILABLE', { zh: '事件匯流排已關閉 (服務關閉中)', en: 'The event bus is closed (shutting down)' });
    for (const group of this.groups.values()) {
      if (subjectMatches(group.topic, event.topic)) this.deliver(group, event, 1);
    }
  }

  async subscribe(topic: string, handler: EventHandler, options: SubscribeOptions): Promise<Subscription> {
    const key = `${options.durable}\u0000${topic}`;
    const group = this.groups.get(key) ?? { topic, options, members: [], backlog: [], next: 0 };
    this.groups.set(key, group);
    const member: Member = { handler, active: 0, stopped: false };
    group.members.push(member);
    return {
      stop: async () => {
        member.stopped = true;
        const i = group.members.indexOf(member);
        if (i >= 0) group.members.splice(i, 1);
        if (group.members.length === 0) this.groups.delete(key);
      },
    };
  }

  private deliver(group: Group, event: OutboxEvent, deliveryCount: number): void {
    if (this.closed) return;
    const max = group.options.maxDeliver ?? Infinity;
    if (deliveryCount > max) return;
    const limit = group.options.concurrency ?? 16;
    const live = group.members.filter((m) => !m.stopped && m.active < limit);
    const member = live[group.next++ % Math.max(1, live.length)];
    if (!member) {
      if (group.members.length > 0) group.backlog.push(() => this.deliver(group, event, deliveryCount));
      return;
    }
    const run = (async () => {
      member.active++;
      let retryInMs: number | undefined;
      try {
        const result = await member.handler({ ...event, deliveryCount });
        if (result) retryInMs = result.retryInMs;
      } catch (err) {
        this.onError(err, event);
        retryInMs = redeliveryDelay(deliveryCount);
      } finally {
        member.active--;
        group.backlog.shift()?.();
      }
      if (retryInMs !== undefined) this.later(() => this.deliver(group, event, deliveryCount + 1), retryInMs);
    })();
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  private later(fn: () => void, ms: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inflight]);
  }
}
