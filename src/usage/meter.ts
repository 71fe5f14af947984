/**
 * The request counter: every metered request adds one to an in-memory counter (no I/O on the
 * request path); `flush()` hands the counters to the store as one batch with a fresh id.
 *
 * A batch whose store failed is kept, with its id, and stored again first on the next flush: if
 * the failed attempt had in fact committed (the connection died after COMMIT), the store sees the
 * id again and adds nothing, so a retried flush never counts twice, and a failed one never loses
 * counts. While that batch is outstanding, new requests keep counting in memory (one counter per
 * tenant, key, route, method, status and minute, so memory grows with minutes, not requests).
 */
import type { Logger } from '../platform/logger.js';
import type { UsageBatch, UsageCount } from './usage.repository.js';

export interface MeterDeps {
  /** Stores a batch; false when that id was stored before (nothing changed). Throws when it could not store it. */
  readonly store: (batch: UsageBatch) => Promise<boolean>;
  readonly newId: () => string;
  readonly logger: Logger;
}

export interface FlushReport {
  /** Batches stored by this flush (an outstanding retried batch and the new one). */
  readonly stored: number;
  /** Requests those batches counted (a batch found already stored counts 0). */
  readonly requests: number;
  /** False when a store failed; its counts stay in memory for the next flush. */
  readonly ok: boolean;
}

interface Counter {
  tenantId: string;
  keyId: string;
  route: string;
  method: string;
  status: number;
  minute: number;
  count: number;
}

const MINUTE_MS = 60_000;
/** Column bounds of usage_buckets; a longer value is cut (route patterns are far shorter). */
const clip = (text: string, max: number): string => (text.length <= max ? text : text.slice(0, max));

export class UsageMeter {
  private counters = new Map<string, Counter>();
  /** A batch handed to the store that did not (surely) commit: stored again, same id, before anything newer. */
  private outstanding: UsageBatch | null = null;
  private running: Promise<FlushReport> = Promise.resolve({ stored: 0, requests: 0, ok: true });

  constructor(private readonly deps: MeterDeps) {}

  /** Counts one answered request (synchronous, in memory). */
  record(tenantId: string, keyId: string, route: string, method: string, status: number, nowMs: number): void {
    const minute = nowMs - (nowMs % MINUTE_MS);
    const key = `${minute}\u0000${tenantId}\u0000${keyId}\u0000${method}\u0000${status}\u0000${route}`;
    const counter = this.counters.get(key);
    if (counter) {
      counter.count++;
      return;
    }
    this.counters.set(key, {
      tenantId: clip(tenantId, 64),
      keyId: clip(keyId, 100),
      route: clip(route, 200),
      method: clip(method, 10),
      status,
      minute,
      count: 1,
    });
  }

  /** Requests counted in memory and not yet stored (the outstanding batch included). */
  pending(): number {
    let n = 0;
    for (const c of this.counters.values()) n += c.count;
    for (const c of this.outstanding?.counts ?? []) n += c.count;
    return n;
  }

  /** Stores what was counted; one flush at a time (a call during a flush runs after it). */
  flush(): Promise<FlushReport> {
    const next = this.running.catch(() => undefined).then(() => this.flushOnce());
    this.running = next;
    return next;
  }

  private async flushOnce(): Promise<FlushReport> {
    let stored = 0;
    let requests = 0;
    if (this.outstanding) {
      const done = await this.store(this.outstanding);
      if (done === undefined) return { stored, requests, ok: false };
      stored++;
      requests += done;
      this.outstanding = null;
    }
    if (this.counters.size === 0) return { stored, requests, ok: true };
    const batch: UsageBatch = { id: this.deps.newId(), counts: [...this.counters.values()] as UsageCount[] };
    this.counters = new Map();
    this.outstanding = batch;
    const done = await this.store(batch);
    if (done === undefined) return { stored, requests, ok: false };
    this.outstanding = null;
    return { stored: stored + 1, requests: requests + done, ok: true };
  }

  /** Requests the batch added (0 when it was already stored), or undefined when the store failed. */
  private async store(batch: UsageBatch): Promise<number | undefined> {
    try {
      const applied = await this.deps.store(batch);
      if (!applied) this.deps.logger.info({ batchId: batch.id }, 'usage batch already stored; not counted again');
      return applied ? batch.counts.reduce((n, c) => n + c.count, 0) : 0;
    } catch (err) {
      this.deps.logger.warn(
        { err, batchId: batch.id, requests: batch.counts.reduce((n, c) => n + c.count, 0) },
        'usage flush failed; counts kept for the next flush',
      );
      return undefined;
    }
  }
}
