/**
 * The wallet API client. The reward id is the Idempotency-Key and the body is the same on every
 * attempt, so any number of retries (after timeouts, crashes, lost responses) credits once.
 * The body carries the tenant: a wallet account is tenant + player (player ids are only unique
 * within a tenant), and the wallet scopes idempotency keys by tenant.
 */
import { Agent, request } from 'undici';

export interface CreditRequest {
  readonly idempotencyKey: string;
  readonly tenantId: string;
  readonly playerId: string;
  /** Decimal string. */
  readonly amount: string;
  readonly currency: string;
  readonly reference: string;
}

export type CreditOutcome =
  | { readonly kind: 'credited'; readonly transactionId: string; readonly replayed: boolean }
  /** Worth retrying: network error, timeout, 408/429/5xx. The credit may or may not have happened. */
  | { readonly kind: 'retryable'; readonly error: string }
  /** Will not succeed by retrying (4xx such as a validation error or a key conflict). */
  | { readonly kind: 'rejected'; readonly error: string };

export interface WalletClient {
  credit(req: CreditRequest): Promise<CreditOutcome>;
  close(): Promise<void>;
}

export function createWalletClient(options: { readonly baseUrl: string; readonly timeoutMs: number; readonly connections?: number }): WalletClient {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: options.connections ?? 64, connect: { timeout: options.timeoutMs } });
  const url = new URL('/wallet/credits', options.baseUrl).toString();
  return {
    async credit(req) {
      try {
        const res = await request(url, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json', 'idempotency-key': req.idempotencyKey },
          body: JSON.stringify({ tenantId: req.tenantId, playerId: req.playerId, amount: req.amount, currency: req.currency, reference: req.reference }),
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        const text = await res.body.text();
        if (res.statusCode === 200 || res.statusCode === 201) {
          const body = JSON.parse(text) as { transactionId?: unknown };
          if (typeof body.transactionId !== 'string') return { kind: 'retryable', error: 'wallet answered without a transactionId' };
          return { kind: 'credited', transactionId: body.transactionId, replayed: res.statusCode === 200 };
        }
        const error = `wallet ${res.statusCode}: ${text.slice(0, 300)}`;
        const retryable = res.statusCode === 408 || res.statusCode === 429 || res.statusCode >= 500;
        return retryable ? { kind: 'retryable', error } : { kind: 'rejected', error };
      } catch (err) {
        return { kind: 'retryable', error: `wallet unreachable: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
    close: () => dispatcher.close(),
  };
}
