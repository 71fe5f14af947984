/**
 * One caller per external system: an undici Pool (keep-alive connections to the system's origin),
 * per-attempt timeouts, retries with exponential backoff and jitter, and an opossum circuit
 * breaker around the whole attempt sequence (one evaluation = one sample of the system's health).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import CircuitBreaker from 'opossum';
import { Pool, type buildConnector } from 'undici';
import type { CircuitBreakerSettings } from './external.schema.js';
import { internalError } from '../platform/errors.js';

export interface CallRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type CallStatus = 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'CIRCUIT_OPEN';

export interface CallResult {
  readonly status: CallStatus;
  readonly responseStatus: number | null;
  readonly responseBody: unknown;
  readonly attempts: number;
  readonly latencyMs: number;
  readonly errorMessage: string | null;
}

export interface CallerSettings {
  readonly name: string;
  readonly origin: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly circuitBreaker: CircuitBreakerSettings;
  readonly maxConnections: number;
  /** Opens the sockets (the address policy's `guardedConnector`). */
  readonly connector?: buildConnector.connector;
}

const MAX_RESPONSE_BYTES = 1_048_576;
const MAX_BACKOFF_MS = 5_000;

/** A failed attempt sequence; carries the result so the breaker's rejection still reports it. */
class CallFailure extends Error {
  constructor(readonly result: CallResult) {
    super(result.errorMessage ?? result.status);
  }
}

/** Statuses worth another attempt: the system may answer next time. */
const retryable = (status: number): boolean => status >= 500 || status === 429 || status === 408;

/** Exponential backoff with "equal jitter": half fixed, half random, so retries from many requests spread out. */
export function backoffMs(base: number, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, base * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

export class ExternalCaller {
  private readonly pool: Pool;
  private readonly breaker: CircuitBreaker<[CallRequest], CallResult>;

  constructor(private readonly settings: CallerSettings) {
    this.pool = new Pool(settings.origin, {
      connections: settings.maxConnections,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: settings.timeoutMs + 1_000,
      bodyTimeout: settings.timeoutMs + 1_000,
      ...(settings.connector ? { connect: settings.connector } : {}),
    });
    this.breaker = new CircuitBreaker((request: CallRequest) => this.attempts(request), {
      name: settings.name,
      timeout: false,
      errorThresholdPercentage: settings.circuitBreaker.errorThresholdPercentage,
      resetTimeout: settings.circuitBreaker.resetTimeoutMs,
      volumeThreshold: settings.circuitBreaker.volumeThreshold,
      // A 4xx is the caller's problem (unknown customer, bad request), not the system's health.
      errorFilter: (error: unknown) =>
        error instanceof CallFailure && error.result.responseStatus !== null && error.result.responseStatus < 500 && !retryable(error.result.responseStatus),
    });
  }

  /** CLOSED, OPEN or HALF_OPEN. */
  get circuitState(): 'CLOSED' | 'OPEN' | 'HALF_OPEN' {
    return this.breaker.opened ? 'OPEN' : this.breaker.halfOpen ? 'HALF_OPEN' : 'CLOSED';
  }

  async call(request: CallRequest): Promise<CallResult> {
    const started = performance.now();
    try {
      return await this.breaker.fire(request);
    } catch (error) {
      if (error instanceof CallFailure) return error.result;
      if ((error as { code?: unknown }).code === 'EOPENBREAKER') {
        return {
          status: 'CIRCUIT_OPEN',
          responseStatus: null,
          responseBody: null,
          attempts: 0,
          latencyMs: performance.now() - started,
          errorMessage: `circuit open for ${this.settings.name}: not called`,
        };
      }
      throw error;
    }
  }

  private async attempts(request: CallRequest): Promise<CallResult> {
    const started = performance.now();
    let last: Omit<CallResult, 'attempts' | 'latencyMs'> | undefined;
    const total = this.settings.retries + 1;
    for (let attempt = 1; attempt <= total; attempt++) {
      last = await this.once(request);
      // A destination the address policy refuses stays refused: no retry.
      const blocked = last.errorMessage?.startsWith('EADDRESSBLOCKED') === true;
      const again = !blocked && (last.status === 'TIMEOUT' || (last.status === 'FAILED' && (last.responseStatus === null || retryable(last.responseStatus))));
      if (last.status === 'SUCCESS' || !again || attempt === total) {
        const result: CallResult = { ...last, attempts: attempt, latencyMs: performance.now() - started };
        if (result.status === 'SUCCESS') return result;
        throw new CallFailure(result);
      }
      await sleep(backoffMs(this.settings.retryBackoffMs, attempt - 1));
    }
    throw internalError('the retry loop ended without a result');
  }

  private async once(request: CallRequest): Promise<Omit<CallResult, 'attempts' | 'latencyMs'>> {
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.settings.timeoutMs);
    try {
      const hasBody = request.body !== null && request.body !== undefined && request.method !== 'GET';
      const response = await this.pool.request({
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method as 'GET' | 'POST' | 'PUT',
        headers: { accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}), ...request.headers },
        ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
        signal: abort.signal,
      });
      const text = await response.body.text();
      if (text.length > MAX_RESPONSE_BYTES)
        return { status: 'FAILED', responseStatus: response.statusCode, responseBody: null, errorMessage: `response larger than ${MAX_RESPONSE_BYTES} bytes` };
      const body = parseBody(text);
      if (response.statusCode >= 200 && response.statusCode < 300)
        return { status: 'SUCCESS', responseStatus: response.statusCode, responseBody: body, errorMessage: null };
      return { status: 'FAILED', responseStatus: response.statusCode, responseBody: body, errorMessage: `HTTP ${response.statusCode}` };
    } catch (error) {
      if (timedOut) return { status: 'TIMEOUT', responseStatus: null, responseBody: null, errorMessage: `no answer within ${this.settings.timeoutMs} ms` };
      return {
        status: 'FAILED',
        responseStatus: null,
        responseBody: null,
        errorMessage: error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    await this.pool.close();
  }
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
