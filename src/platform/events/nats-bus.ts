/**
 * The event bus over NATS JetStream. One stream (default `BANYAN`) holds every subject root (topics.ts);
 * the subject is the topic (behind an optional namespace prefix). Publishing sets `Nats-Msg-Id`
 * to the outbox id, so a relay that re-publishes after a lost ack is deduplicated by the stream.
 * Consumers are durable pull consumers with explicit ack: every process subscribing with the
 * same durable name shares the work, which is how workers scale out.
 */
import {
  AckPolicy,
  DeliverPolicy,
  StorageType,
  connect,
  headers as natsHeaders,
  nanos,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import type { OutboxEvent } from '../outbox/outbox.js';
import { redeliveryDelay, type EventBus, type EventHandler, type SubscribeOptions, type Subscription } from './bus.js';
import { STREAM_ROOTS } from './topics.js';

export interface NatsBusOptions {
  readonly url: string;
  readonly stream: string;
  /** Namespace in front of every subject ('' or e.g. 'staging.'). */
  readonly subjectPrefix: string;
  readonly name?: string;
  /** How long a publish waits for the stream's ack (default 2 s). */
  readonly publishTimeoutMs?: number;
  readonly onError?: (err: unknown, context: string) => void;
}

const H_TENANT = 'Banyan-Tenant-Id';
const H_KEY = 'Banyan-Key';
const H_CREATED = 'Banyan-Created-At';
const H_TOPIC = 'Banyan-Topic';
const RESERVED = new Set([H_TENANT, H_KEY, H_CREATED, H_TOPIC, 'Nats-Msg-Id'].map((h) => h.toLowerCase()));

export async function connectNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const nc = await connect({
    servers: options.url,
    name: options.name ?? 'banyan',
    // Never give up: a broker outage must delay events, not stop the process.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 5000,
    waitOnFirstConnect: true,
  });
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, options.stream, options.subjectPrefix);
  return new NatsBus(nc, jsm, options);
}

/**
 * The stream carries every subject root (topics.ts): published facts, inbound triggers, the work
 * queues (`banyan.work.>`) and dead letters (kept too, so an operator can replay them after a fix).
 * A stream created by an older version gains the roots it lacks (an update that only adds subjects,
 * so running it on every start, from any number of processes, is harmless).
 */
export async function ensureStream(jsm: JetStreamManager, stream: string, prefix: string, attempt = 1): Promise<void> {
  const subjects = STREAM_ROOTS.map((root) => `${prefix}${root}.>`);
  try {
    const info = await jsm.streams.info(stream);
    const missing = subjects.filter((s) => !info.config.subjects.includes(s));
    if (missing.length > 0) await jsm.streams.update(stream, { ...info.config, subjects: [...info.config.subjects, ...missing] });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.streams.add({ name: stream, subjects, storage: StorageType.File, duplicate_window: nanos(120_000) });
    } catch (addErr) {
      // Another process created it meanwhile: take that one (adding what it lacks).
      if (attempt < 2 && addErr instanceof Error && /already in use/i.test(addErr.message)) return ensureStream(jsm, stream, prefix, attempt + 1);
      throw addErr;
    }
  }
}

/** What a dead letter keeps of a body that is not JSON. */
const MAX_RAW_CHARS = 65_536;

/** The JSON body; for a `deliver` subscriber a body that is not JSON becomes `malformed` instead of an error. */
function parseBody(text: string, malformed: 'redeliver' | 'deliver'): { payload: unknown; malformed?: { reason: string; raw: string } } {
  if (text === '') return { payload: null };
  try {
    return { payload: JSON.parse(text) as unknown };
  } catch (err) {
    if (malformed === 'redeliver') throw err;
    return { payload: null, malformed: { reason: `body is not JSON: ${err instanceof Error ? err.message : String(err)}`, raw: text.slice(0, MAX_RAW_CHARS) } };
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && /not found/i.test(err.message);
}

export class NatsBus implements EventBus {
  readonly kind = 'nats' as const;
  private readonly js: JetStreamClient;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    readonly connection: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsBusOptions,
  ) {
    this.js = connection.jetstream();
  }

  subject(topic: string): string {
    return `${this.options.subjectPrefix}${topic}`;
  }

  async publish(event: OutboxEvent): Promise<void> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(event.headers)) if (!RESERVED.has(k.toLowerCase())) h.set(k, v);
    if (event.tenantId !== null) h.set(H_TENANT, event.tenantId);
    h.set(H_KEY, event.key);
    h.set(H_CREATED, event.createdAt);
    h.set(H_TOPIC, event.topic);
    await this.js.publish(this.subject(event.topic), new TextEncoder().encode(JSON.stringify(event.payload)), {
      msgID: event.id,
      headers: h,
      timeout: this.options.publishTimeoutMs ?? 2000,
    });
  }

  async subscribe(topic: string, handler: EventHandler, options: SubscribeOptions): Promise<Subscription> {
    const stream = this.options.stream;
    const config = {
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      max_deliver: options.maxDeliver ?? -1,
      filter_subject: this.subject(topic),
    };
    // A process (re)starting while the server is briefly away (a restart, an outage) waits for it
    // rather than failing its start: the consumer set-up is retried while JetStream is unavailable.
    await whileUnavailable(async () => {
      try {
        await this.jsm.consumers.info(stream, options.durable);
        await this.jsm.consumers.update(stream, options.durable, config);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await this.jsm.consumers.add(stream, { durable_name: options.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...config });
      }
    });
    const concurrency = options.concurrency ?? 16;
    const consumer = await this.js.consumers.get(stream, options.durable);
    const messages: ConsumerMessages = await consumer.consume({ max_messages: concurrency });
    const inflight = new Set<Promise<void>>();
    let stopped = false;

    const loop = (async () => {
      for await (const m of messages) {
        if (stopped) {
          m.nak();
          continue;
        }
        const run = this.handle(m, topic, handler, options.malformed ?? 'redeliver');
        inflight.add(run);
        void run.finally(() => inflight.delete(run));
        // Flow control: never hold more than `concurrency` messages in handlers.
        while (inflight.size >= concurrency) await Promise.race(inflight);
      }
    })().catch((err: unknown) => this.options.onError?.(err, `consumer ${options.durable} stopped`));

    const subscription: Subscription = {
      stop: async () => {
        stopped = true;
        this.subscriptions.delete(subscription);
        await messages.close().catch(() => undefined);
        await Promise.allSettled([...inflight]);
        await loop;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async handle(m: JsMsg, pattern: string, handler: EventHandler, malformed: 'redeliver' | 'deliver'): Promise<void> {
    const prefix = this.options.subjectPrefix;
    // The subject, never the Banyan-Topic header: NATS permissions apply to subjects, so a consumer
    // that binds meaning to the topic (the trigger consumer's tenant) must read what NATS enforced.
    const topic = m.subject.startsWith(prefix) ? m.subject.slice(prefix.length) : m.subject;
    const headers: Record<string, string> = {};
    if (m.headers) for (const [k, values] of m.headers) if (!RESERVED.has(k.toLowerCase()) && values[0] !== undefined) headers[k] = values[0];
    const deliveryCount = m.info.redeliveryCount;
    try {
      const text = new TextDecoder().decode(m.data);
      const parsed = parseBody(text, malformed);
      const event = {
        // Messages published by other producers may lack our headers: the stream sequence still identifies them.
        id: m.headers?.get('Nats-Msg-Id') || `${m.info.stream}:${m.seq}`,
        topic,
        tenantId: m.headers?.get(H_TENANT) || null,
        key: m.headers?.get(H_KEY) || '',
        payload: parsed.payload,
        ...(parsed.malformed ? { malformed: parsed.malformed } : {}),
        headers,
        createdAt: m.headers?.get(H_CREATED) || new Date(m.info.timestampNanos / 1e6).toISOString(),
        deliveryCount,
      };
      const result = await handler(event);
      if (result) m.nak(result.retryInMs);
      else m.ack();
    } catch (err) {
      this.options.onError?.(err, `handler for ${pattern} failed`);
      m.nak(redeliveryDelay(deliveryCount));
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.connection.drain().catch(() => this.connection.close());
  }
}

/** JetStream did not answer (timeout, no responders, a dropped connection): worth another try. */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'TIMEOUT' || code === '503' || code === 'DISCONNECT' || code === 'CONNECTION_REFUSED') return true;
  return err instanceof Error && /timeout|no responders|disconnect/i.test(err.message);
}

/** Runs `step`, retrying with backoff for up to a minute while JetStream is unavailable; any other error is thrown at once. */
async function whileUnavailable(step: () => Promise<void>, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await step();
    } catch (err) {
      if (!isUnavailable(err) || Date.now() + delay > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
