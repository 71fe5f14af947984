/**
 * Behaviour controls shared by every simulator: latency (fixed + jitter), a failure rate drawn
 * from a seeded PRNG (so tests are reproducible), and a forced mode.
 */
export const SERVICES = ['credit-bureau', 'aml', 'wallet'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const MODES = ['ok', 'fail', 'slow', 'timeout'] as const;
export type Mode = (typeof MODES)[number];

export interface ServiceControl {
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** 0–1: share of requests answered 503 (in mode `ok` and `slow`). */
  readonly failureRate: number;
  /** ok: normal; fail: every request 503; slow: + slowMs latency; timeout: hold the request for hangMs, then 504. */
  readonly mode: Mode;
}

export const DEFAULT_CONTROL: ServiceControl = { latencyMs: 0, jitterMs: 0, failureRate: 0, mode: 'ok' };

/** mulberry32: tiny, fast, and good enough for simulated failures. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Verdict =
  { readonly kind: 'ok'; readonly delayMs: number } | { readonly kind: 'fail'; readonly delayMs: number } | { readonly kind: 'hang'; readonly delayMs: number };

/** Per-service state; each service has its own PRNG stream so one service's traffic does not shift another's. */
export class ControlBoard {
  private readonly controls = new Map<ServiceName, ServiceControl>();
  private readonly prngs = new Map<ServiceName, () => number>();
  private seedValue: number;

  constructor(
    seed: number,
    initial: Partial<Record<ServiceName, Partial<ServiceControl>>>,
    private readonly timing: { readonly slowMs: number; readonly hangMs: number },
  ) {
    this.seedValue = seed;
    for (const s of SERVICES) this.controls.set(s, { ...DEFAULT_CONTROL, ...initial[s] });
    this.reseed(seed);
  }

  get seed(): number {
    return this.seedValue;
  }

  reseed(seed: number): void {
    this.seedValue = seed;
    SERVICES.forEach((s, i) => this.prngs.set(s, createPrng(seed + i * 0x9e3779b9)));
  }

  get(service: ServiceName): ServiceControl {
    return this.controls.get(service) ?? DEFAULT_CONTROL;
  }

  set(service: ServiceName, patch: Partial<ServiceControl>): void {
    this.controls.set(service, { ...this.get(service), ...patch });
  }

  snapshot(): Record<ServiceName, ServiceControl> {
    return Object.fromEntries(SERVICES.map((s) => [s, this.get(s)])) as Record<ServiceName, ServiceControl>;
  }

  /** Decide one request's fate: draws the jitter and failure numbers from the service's PRNG. */
  decide(service: ServiceName): Verdict {
    const c = this.get(service);
    const rnd = this.prngs.get(service) ?? Math.random;
    const delayMs = c.latencyMs + (c.jitterMs > 0 ? Math.floor(rnd() * (c.jitterMs + 1)) : 0);
    switch (c.mode) {
      case 'fail':
        return { kind: 'fail', delayMs };
      case 'timeout':
        return { kind: 'hang', delayMs: this.timing.hangMs };
      case 'slow':
        return { kind: rnd() < c.failureRate ? 'fail' : 'ok', delayMs: delayMs + this.timing.slowMs };
      case 'ok':
        return { kind: rnd() < c.failureRate ? 'fail' : 'ok', delayMs };
    }
  }
}
