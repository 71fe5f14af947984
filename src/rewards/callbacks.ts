/**
 * Paid-reward callbacks to the tenant. The callback sender consumes its own work queue,
 * `banyan.work.reward.callback` (durable `reward-callback`), whose items the worker writes in the
 * transaction that records the payment (with the `reward.paid` fact), so a callback is delivered
 * at least once even if the worker that paid crashed right after committing. The body is signed:
 * `X-Banyan-Signature: sha256=<hex>` is HMAC-SHA256 of the exact body bytes with the tenant's
 * secret; receivers dedupe on `X-Banyan-Event-Id` (the id of the `reward.paid` fact).
 */
import { createHmac } from 'node:crypto';
import { Agent, request, type buildConnector } from 'undici';
import type { Delivery, HandlerResult } from '../platform/events/bus.js';
import type { RewardCallbackWork, RewardEventPayload } from './rewards.repository.js';

export interface CallbackTarget {
  readonly url: string;
  readonly secret: string;
}

/**
 * Where a tenant wants paid-reward callbacks, or null for none. The tenants module's resolver
 * (the default in app.ts) answers with the tenant's own callback URL and signing secret.
 */
export type CallbackResolver = (tenantId: string, reward: RewardEventPayload) => Promise<CallbackTarget | null>;

export const sign = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface CallbackSender {
  handle(event: Delivery): Promise<HandlerResult>;
  close(): Promise<void>;
}

export function createCallbackSender(options: {
  readonly resolve: CallbackResolver;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** Opens the sockets (`guardedConnector`: the address policy, checked on the resolved address). */
  readonly connector?: buildConnector.connector | undefined;
}): CallbackSender {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16, connect: options.connector ?? { timeout: options.timeoutMs } });
  return {
    async handle(event) {
      const work = event.payload as Partial<RewardCallbackWork> | null;
      const payload = work?.reward;
      // Every item on the queue is a paid reward's callback; one without its reward is unusable.
      if (!payload || typeof work.factId !== 'string') return;
      const target = await options.resolve(payload.tenantId, payload);
      if (!target) return;
      // The id is the `reward.paid` fact's (as published on promotion.event.reward): receivers dedupe on it.
      const id = work.factId;
      const body = JSON.stringify({ type: 'reward.paid', id, reward: payload });
      try {
        const res = await request(target.url, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json', 'x-banyan-event-id': id, 'x-banyan-signature': sign(target.secret, body) },
          body,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        await res.body.dump();
        if (res.statusCode < 300) return;
        throw new Error(`callback ${target.url} answered ${res.statusCode}`);
      } catch (err) {
        // The tenant's endpoint is down: try again later, a bounded number of times.
        if (event.deliveryCount >= options.maxAttempts) return;
        throw err;
      }
    },
    close: () => dispatcher.close(),
  };
}
