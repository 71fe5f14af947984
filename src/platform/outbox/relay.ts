/**
 * The relay: moves committed outbox rows to the event bus, in creation order, and marks each row
 * published only after the bus acknowledged it. A failed publish is retried with exponential
 * backoff and jitter; nothing is lost while the broker is down, the rows simply wait.
 *
 * Several relays may run (one per process): on PostgreSQL each claims its batch with
 * FOR UPDATE SKIP LOCKED inside a transaction that lasts until the batch is marked, so batches
 * are disjoint and a crashed relay's batch is released with its connection. A row published but
 * not marked (crash between ack and commit) is published again with the same id, which JetStream's
 * duplicate window drops and consumers tolerate anyway (at-least-once, idempotent handlers).
 * On SQLite the relay runs in the one process that owns the database file.
 *
 * Wake-ups: an in-process signal from `enqueueEvent`, PostgreSQL NOTIFY (delivered at commit, from
 * any process) and a polling fallback.
 */
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { DialectName } from '../db/database.js';
import { toDbTimestamp } from '../db/sql.js';
import type { Tables } from '../db/tables.js';
import type { EventBus } from '../events/bus.js';
import {
  OUTBOX_CHANNEL,
  claimPending,
  markPublishFailed,
  markPublished,
  outboxLag,
  outboxSignal,
  prunePublished,
  type OutboxLag,
  type PendingEvent,
} from './outbox.js';

/** The subset of pino the relay uses. */
export interface RelayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RelayOptions {
  readonly db: Kysely<Tables>;
  readonly dialect: DialectName;
  readonly bus: EventBus;
  readonly logger: RelayLogger;
  readonly pollMs: number;
  readonly batchSize: number;
  readonly retryMaxMs: number;
  readonly retentionHours: number;
  /** PostgreSQL URL for LISTEN; without it the relay relies on the in-process signal and polling. */
  readonly listenUrl?: string;
}

export interface RelayStats {
  readonly published: number;
  readonly failed: number;
  readonly lastError: string | null;
}

/** Backoff for the n-th failed publish of one row: exponential, capped, with jitter (half to full). */
export function publishBackoffMs(attempts: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, 100 * 2 ** Math.min(attempts, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

const PRUNE_EVERY_MS = 10 * 60_000;

export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopped = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private listener: pg.Client | undefined;
  private lastPrune = 0;
  private stats = { published: 0, failed: 0, lastError: null as string | null };
  private readonly onSignal = () => this.wake();

  constructor(private readonly options: RelayOptions) {}

  start(): void {
    if (this.running) return;
    outboxSignal.on('enqueued', this.onSignal);
    if (this.options.listenUrl) void this.listen(this.options.listenUrl);
    this.running = this.loop();
  }

  /** Run a round now (after a commit that enqueued something). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  lag(): Promise<OutboxLag> {
    return outboxLag(this.options.db);
  }

  snapshot(): RelayStats {
    return { ...this.stats };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    outboxSignal.off('enqueued', this.onSignal);
    this.wakeUp?.();
    await this.running;
    await this.listener?.end().catch(() => undefined);
  }

  /** Publish one batch; returns how many rows were published and how many failed. */
  async runOnce(): Promise<{ published: number; failed: number }> {
    const { db, dialect, batchSize } = this.options;
    if (dialect === 'postgres') {
      return db.transaction().execute(async (trx) => this.publishBatch(trx, await claimPending(trx, batchSize, toDbTimestamp())));
    }
    return this.publishBatch(db, await claimPending(db, batchSize, toDbTimestamp()));
  }

  private async publishBatch(db: Kysely<Tables>, batch: PendingEvent[]): Promise<{ published: number; failed: number }> {
    if (batch.length === 0) return { published: 0, failed: 0 };
    // Sent in order on one connection, acknowledged concurrently: the stream keeps the batch order.
    const results = await Promise.allSettled(batch.map((event) => this.options.bus.publish(event)));
    const ok: string[] = [];
    const now = Date.now();
    let failed = 0;
    for (const [i, result] of results.entries()) {
      const event = batch[i];
      if (!event) continue;
      if (result.status === 'fulfilled') {
        ok.push(event.id);
        continue;
      }
      failed++;
      const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
      this.stats.lastError = message;
      const next = new Date(now + publishBackoffMs(event.attempts + 1, this.options.retryMaxMs));
      await markPublishFailed(db, event.id, message, toDbTimestamp(next));
    }
    await markPublished(db, ok, toDbTimestamp());
    this.stats.published += ok.length;
    this.stats.failed += failed;
    if (failed > 0) this.options.logger.warn({ failed, published: ok.length, error: this.stats.lastError }, 'outbox: publish failed; will retry');
    return { published: ok.length, failed };
  }

  private async loop(): Promise<void> {
    let errors = 0;
    while (!this.stopped) {
      this.woken = false;
      let full: boolean;
      try {
        const { published, failed } = await this.runOnce();
        full = published + failed >= this.options.batchSize && failed === 0;
        errors = 0;
        await this.maybePrune();
      } catch (err) {
        // The database itself is failing (connection lost …): back off, then try again.
        errors++;
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        this.options.logger.warn({ err }, 'outbox: relay round failed');
        await this.sleep(publishBackoffMs(errors, this.options.retryMaxMs));
        continue;
      }
      if (!full && !this.woken) await this.sleep(this.options.pollMs);
    }
  }

  private async maybePrune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const removed = await prunePublished(this.options.db, toDbTimestamp(new Date(now - this.options.retentionHours * 3_600_000)));
    if (removed > 0) this.options.logger.info({ removed }, 'outbox: pruned published events');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private async listen(url: string): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: url });
    this.listener = client;
    const retry = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.listen(url), 1000).unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      // Anything committed while we were not listening is picked up by this round.
      this.wake();
    } catch {
      retry();
    }
  }
}
