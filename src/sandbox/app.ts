/**
 * The sandbox: credit bureau, AML screening and wallet simulators for local runs and tests.
 * `buildSandbox` builds the app without listening; `startSandbox` (start.ts) listens.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { amlRoutes } from './aml.routes.js';
import { controlRoutes } from './control.routes.js';
import { ControlBoard, SERVICES, type ServiceControl, type ServiceName } from './controls.js';
import { creditBureauRoutes, type CreditFixture } from './credit-bureau.routes.js';
import { installErrorHandlers, sendError } from './errors.js';
import { walletRoutes } from './wallet.routes.js';
import { WalletStore } from './wallet.store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which simulator a route belongs to: its controls apply. */
    service?: ServiceName;
  }
}

export interface SandboxOptions {
  /** PRNG seed for jitter and failures (default 42). */
  readonly seed?: number;
  /** Defaults for every service, then per-service overrides. */
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  readonly failureRate?: number;
  readonly mode?: ServiceControl['mode'];
  readonly services?: Partial<Record<ServiceName, Partial<ServiceControl>>>;
  /** Extra latency in mode `slow` (default 2 000 ms). */
  readonly slowMs?: number;
  /** How long mode `timeout` holds a request before answering 504 (default 30 000 ms). */
  readonly hangMs?: number;
  readonly creditFixtures?: Readonly<Record<string, CreditFixture>>;
  /** Default `['CUST-AML-001']`. */
  readonly amlHitList?: readonly string[];
  readonly amlWatchNames?: readonly string[];
  /** Default `['KP', 'IR', 'MM']`. */
  readonly highRiskCountries?: readonly string[];
  readonly now?: () => Date;
  readonly logger?: boolean | FastifyBaseLogger;
}

export function buildSandbox(options: SandboxOptions = {}): FastifyInstance {
  const now = options.now ?? (() => new Date());
  const base: Partial<ServiceControl> = Object.fromEntries(
    Object.entries({ latencyMs: options.latencyMs, jitterMs: options.jitterMs, failureRate: options.failureRate, mode: options.mode }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  const initial = Object.fromEntries(SERVICES.map((s) => [s, { ...base, ...options.services?.[s] }]));
  const board = new ControlBoard(options.seed ?? 42, initial, { slowMs: options.slowMs ?? 2000, hangMs: options.hangMs ?? 30_000 });

  const serverOptions: FastifyServerOptions = typeof options.logger === 'object' ? { loggerInstance: options.logger } : { logger: options.logger ?? false };
  const app = Fastify({ ...serverOptions, bodyLimit: 64 * 1024, routerOptions: { maxParamLength: 256 } }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandlers(app);

  // Held requests (latency, `timeout` mode) are released at shutdown so close() never waits on them.
  const shutdown = new AbortController();
  app.addHook('preClose', async () => shutdown.abort());

  app.addHook('preHandler', async (request, reply) => {
    const service = request.routeOptions.config.service;
    if (service === undefined) return;
    const verdict = board.decide(service);
    if (verdict.delayMs > 0) await sleep(verdict.delayMs, shutdown.signal);
    if (shutdown.signal.aborted) return sendError(reply, 503, 'SHUTTING_DOWN', 'sandbox is shutting down');
    if (verdict.kind === 'fail') return sendError(reply, 503, 'SIMULATED_FAILURE', `${service}: simulated failure`);
    if (verdict.kind === 'hang') return sendError(reply, 504, 'SIMULATED_TIMEOUT', `${service}: simulated timeout`);
    return undefined;
  });

  app.register(creditBureauRoutes, { fixtures: new Map(Object.entries(options.creditFixtures ?? {})), now });
  app.register(amlRoutes, {
    hitList: new Set(options.amlHitList ?? ['CUST-AML-001']),
    watchNames: new Set((options.amlWatchNames ?? []).map((n) => n.trim().toLowerCase())),
    highRiskCountries: new Set((options.highRiskCountries ?? ['KP', 'IR', 'MM']).map((c) => c.toUpperCase())),
    now,
  });
  app.register(walletRoutes, { store: new WalletStore(now) });
  app.register(controlRoutes, { board });
  app.get('/health', async () => ({ status: 'UP' }));
  return app;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
