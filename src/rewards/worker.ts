/**
 * The reward worker: pays PENDING rewards through the wallet, exactly once.
 *
 * - Work arrives on its own queue, `banyan.work.reward.pay` (written with the reward's
 *   `reward.created` / `reward.retried` fact), on a durable consumer (`reward-pay`) shared by every
 *   worker process; every message on it is a reward to pay. A sweep of the rewards table catches
 *   anything whose message was lost (in-process bus after a crash, max-deliver reached).
 * - A reward is claimed with one conditional UPDATE and a lease (REWARD_LEASE_MS, 3 s). The paying
 *   worker renews the lease every heartbeat (REWARD_HEARTBEAT_MS, 1 s) while the wallet call is in
 *   flight, and every heartbeat each worker looks for expired leases: a killed worker's claims are
 *   taken over within about lease + heartbeat, however long a wallet call may take.
 * - The wallet call carries Idempotency-Key = reward id and the same body every time, so a retry
 *   after any failure (even one where the credit went through but the answer was lost) credits
 *   nothing new and returns the original transaction id.
 */
import type { Kysely } from 'kysely';
import type { RewardsConfig } from '../platform/config.js';
import type { Tables } from '../platform/db/tables.js';
import type { Delivery, EventBus, HandlerResult, Subscription } from '../platform/events/bus.js';
import { WORK } from '../platform/outbox/outbox.js';
import { claimReward, findDueRewards, findExpiredClaims, markFailed, markPaid, renewLeases, scheduleRetry, type Claim } from './payouts.repository.js';
import type { RewardPayWork } from './rewards.repository.js';
import type { WalletClient } from './wallet.client.js';

export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface RewardWorkerOptions {
  readonly db: Kysely<Tables>;
  readonly bus: EventBus;
  readonly wallet: WalletClient;
  readonly logger: WorkerLogger;
  readonly config: RewardsConfig;
  /** Durable consumer name shared by all workers (default `reward-pay`). */
  readonly durable?: string;
}

export type ProcessOutcome =
  | { readonly kind: 'paid'; readonly transactionId: string }
  | { readonly kind: 'retry'; readonly inMs: number }
  | { readonly kind: 'failed'; readonly reason: string }
  /** Nothing to do now: already final, claimed elsewhere, or not due yet (`inMs` until it may be). */
  | { readonly kind: 'skipped'; readonly inMs?: number };

/** Delay before retry n (1-based): exponential from base, capped, with jitter (half to full). */
export function rewardBackoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export class RewardWorker {
  private subscription: Subscription | undefined;
  private sweeping: Promise<void> | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private takeoverTimer: NodeJS.Timeout | undefined;
  private takingOver: Promise<void> | undefined;
  /** Claims being paid by this process, renewed together every heartbeat. */
  private readonly held = new Map<string, Claim>();
  private renewTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly counters = { paid: 0, retried: 0, failed: 0, replayed: 0, takenOver: 0 };

  constructor(private readonly options: RewardWorkerOptions) {}

  async start(): Promise<void> {
    const { config } = this.options;
    // A new durable name: the filter moved from promotion.event.reward (NATS 2.9 cannot update a filter in place).
    this.subscription = await this.options.bus.subscribe(WORK.rewardPay, (event) => this.onEvent(event), {
      durable: this.options.durable ?? 'reward-pay',
      ackWaitMs: config.ackWaitMs,
      maxDeliver: config.maxDeliver,
      concurrency: config.concurrency,
    });
    this.scheduleSweep();
    this.scheduleTakeover();
  }

  stats(): Readonly<typeof this.counters> {
    return { ...this.counters };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.takeoverTimer);
    // Payments still in flight keep renewing until they finish (their leases stay theirs).
    await this.subscription?.stop();
    await this.sweeping;
    await this.takingOver;
  }

  private async onEvent(event: Delivery): Promise<HandlerResult> {
    const payload = event.payload as Partial<RewardPayWork> | null;
    // Every message on the queue is a reward to pay; one without a reward id is unusable (and the sweep covers the reward anyway).
    if (typeof payload?.rewardId !== 'string') return;
    const outcome = await this.process(payload.rewardId);
    if (outcome.kind === 'retry') return { retryInMs: outcome.inMs };
    if (outcome.kind === 'skipped' && outcome.inMs !== undefined) return { retryInMs: outcome.inMs };
    return;
  }

  /** Claim, pay, record. Safe to call for any reward at any time, from any number of workers. */
  async process(rewardId: string): Promise<ProcessOutcome> {
    const { db, wallet, config, logger } = this.options;
    const claim = await claimReward(db, rewardId, config.leaseMs);
    if ('kind' in claim) {
      if (claim.kind === 'later') return { kind: 'skipped', inMs: Math.max(50, claim.at.getTime() - Date.now() + 20) };
      return { kind: 'skipped' };
    }
    const { reward, attempt } = claim;
    const result = await this.whileHeld(claim, () =>
      wallet.credit({
        idempotencyKey: reward.id,
        tenantId: reward.tenantId,
        playerId: reward.playerId,
        amount: reward.amount,
        currency: reward.currency,
        reference: reward.id,
      }),
    );
    switch (result.kind) {
      case 'credited':
        if (result.replayed) this.counters.replayed++;
        if (await markPaid(db, claim, result.transactionId)) this.counters.paid++;
        return { kind: 'paid', transactionId: result.transactionId };
      case 'rejected':
        logger.warn({ rewardId, error: result.error }, 'reward rejected by the wallet');
        if (await markFailed(db, claim, result.error)) this.counters.failed++;
        return { kind: 'failed', reason: result.error };
      case 'retryable': {
        if (attempt >= config.maxAttempts) {
          const reason = `gave up after ${attempt} attempts: ${result.error}`;
          logger.warn({ rewardId, attempt, error: result.error }, 'reward failed');
          if (await markFailed(db, claim, reason)) this.counters.failed++;
          return { kind: 'failed', reason };
        }
        const inMs = rewardBackoffMs(attempt, config.retryBaseMs, config.retryMaxMs);
        logger.debug({ rewardId, attempt, inMs, error: result.error }, 'reward payment will be retried');
        if (await scheduleRetry(db, claim, result.error, new Date(Date.now() + inMs))) this.counters.retried++;
        return { kind: 'retry', inMs };
      }
    }
  }

  /** Run `work` while the claim's lease is renewed every heartbeat, so a slow wallet call keeps its claim. */
  private async whileHeld<T>(claim: Claim, work: () => Promise<T>): Promise<T> {
    // By claim, not reward: after a stall this process may hold a reward's newer claim too.
    const key = `${claim.reward.id}#${claim.attempt}`;
    this.held.set(key, claim);
    this.startRenewing();
    try {
      return await work();
    } finally {
      this.held.delete(key);
      if (this.held.size === 0) {
        clearInterval(this.renewTimer);
        this.renewTimer = undefined;
      }
    }
  }

  /** One heartbeat for all claims in flight: a single UPDATE however many payments are running. */
  private startRenewing(): void {
    if (this.renewTimer) return;
    const { db, config, logger } = this.options;
    let renewing = false;
    this.renewTimer = setInterval(() => {
      if (renewing || this.held.size === 0) return;
      renewing = true;
      const claims = [...this.held.values()];
      renewLeases(db, claims, config.leaseMs)
        .then((renewed) => {
          if (renewed < claims.length) logger.debug({ held: claims.length, renewed }, 'some reward claims were lost while paying (finished or taken over)');
        })
        .catch((err: unknown) => logger.warn({ err, held: claims.length }, 'reward lease renewal failed'))
        .finally(() => (renewing = false));
    }, config.heartbeatMs);
    this.renewTimer.unref();
  }

  /** Take over claims whose lease expired (their worker died): one heartbeat after expiry at most. */
  async takeOverExpired(): Promise<number> {
    const { db, logger } = this.options;
    const ids = await findExpiredClaims(db, new Date(), 500);
    await this.inLanes(ids, async (id) => {
      const outcome = await this.process(id).catch((err: unknown) => {
        logger.warn({ err, rewardId: id }, 'reward takeover: processing failed');
        return undefined;
      });
      if (outcome && outcome.kind !== 'skipped') this.counters.takenOver++;
    });
    if (ids.length > 0) logger.info({ rewards: ids.length }, 'took over reward claims whose lease expired');
    return ids.length;
  }

  private scheduleTakeover(): void {
    if (this.stopped) return;
    this.takeoverTimer = setTimeout(() => {
      this.takingOver = this.takeOverExpired()
        .then(() => undefined)
        .catch((err: unknown) => this.options.logger.warn({ err }, 'reward takeover scan failed'))
        .finally(() => this.scheduleTakeover());
    }, this.options.config.heartbeatMs);
    this.takeoverTimer.unref();
  }

  /** Pay what is due but was not delivered as a message within one sweep interval. */
  async sweep(): Promise<number> {
    const { db, config } = this.options;
    const ids = await findDueRewards(db, new Date(Date.now() - config.sweepMs), 500);
    await this.inLanes(ids, async (id) => {
      await this.process(id).catch((err: unknown) => this.options.logger.warn({ err, rewardId: id }, 'reward sweep: processing failed'));
    });
    return ids.length;
  }

  /** `each` over `ids`, REWARD_CONCURRENCY at a time, until stopped. */
  private async inLanes(ids: readonly string[], each: (id: string) => Promise<void>): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (!this.stopped && next < ids.length) {
        const id = ids[next++];
        if (id !== undefined) await each(id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.config.concurrency, ids.length) }, lane));
  }

  private scheduleSweep(): void {
    if (this.stopped) return;
    this.sweepTimer = setTimeout(() => {
      this.sweeping = this.sweep()
        .then((n) => {
          if (n > 0) this.options.logger.info({ rewards: n }, 'reward sweep picked up rewards without a message');
        })
        .catch((err: unknown) => this.options.logger.warn({ err }, 'reward sweep failed'))
        .finally(() => this.scheduleSweep());
    }, this.options.config.sweepMs);
    this.sweepTimer.unref();
  }
}
