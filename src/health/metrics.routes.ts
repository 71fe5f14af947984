import { collectDefaultMetrics, Gauge, register as processRegistry, Registry } from 'prom-client';
import type { App } from '../platform/http/server.js';
import type { RewardWorker } from '../rewards/index.js';

export interface MetricsDeps {
  readonly role: string;
  /** The reward worker, once started (roles that pay rewards); it starts after the routes are fixed. */
  readonly rewardWorker: () => RewardWorker | undefined;
}

/**
 * `GET /actuator/prometheus`: the process's metrics in the Prometheus text format, in every role
 * (a worker's only other route is its health). One registry per app, so several apps in one
 * process (tests, a cluster's primary) do not share or double-register metrics.
 */
export function registerMetricsRoutes(app: App, deps: MetricsDeps): void {
  const registry = new Registry();
  registry.setDefaultLabels({ role: deps.role });
  collectDefaultMetrics({ register: registry, prefix: 'banyan_' });
  const outcomes = ['paid', 'retried', 'failed', 'replayed', 'takenOver'] as const;
  new Gauge({
    name: 'banyan_reward_worker_outcomes',
    help: 'Reward payments handled by this process since it started, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const stats = deps.rewardWorker()?.stats();
      if (stats) for (const outcome of outcomes) this.set({ outcome }, stats[outcome]);
    },
  });
  // Process-wide counters (dead letters: one per process, shared by every app in it) live in
  // prom-client's default registry; they are served after this app's own.
  app.get('/actuator/prometheus', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', registry.contentType).send(`${await registry.metrics()}\n${await processRegistry.metrics()}`),
  );
}
