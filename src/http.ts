import type { FastifyPluginAsync } from 'fastify';
import { localDataPath, registerHealthRoutes } from './health/health.routes.js';
import { registerMetricsRoutes } from './health/metrics.routes.js';
import { buildHttpServer, type App } from './platform/http/server.js';
import type { ModuleContext } from './platform/modules/contract.js';
import { servesApi } from './roles.js';

/**
 * The HTTP app of one process (not listening, not ready): auth from the users, tenants, login
 * limiter and audit modules; `/actuator/health` and `/actuator/prometheus` in every role; every
 * module's routes only in the roles that serve the public API (roles.ts).
 */
export async function buildBanyanHttp(ctx: ModuleContext, routes: readonly FastifyPluginAsync[]): Promise<App> {
  const { config, logger, database, role, modules } = ctx;
  const audit = modules.get('audit');
  const app = await buildHttpServer({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    bodyDrainLimitBytes: config.bodyDrainLimitBytes,
    swaggerEnabled: config.swaggerEnabled && servesApi(role),
    version: ctx.version,
    auth: {
      authenticator: modules.get('users'),
      tenants: modules.get('tenants'),
      limiter: modules.get('loginLimiter'),
      recorder: modules.get('overrides').logins ?? audit.logins,
    },
    onUnexpectedError: (error, request) => {
      const err = error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
      void audit.emit({
        type: 'ERROR',
        category: 'SYSTEM',
        severity: 'ERROR',
        source: 'http',
        details: { ...err, method: request.method, url: request.url },
        correlationId: request.id,
      });
    },
  });
  registerHealthRoutes(app, { database, diskPath: localDataPath(config.database) });
  registerMetricsRoutes(app, { role, rewardWorker: () => modules.find('rewards')?.worker });
  // Worker and scheduler processes answer health and metrics only: the public API is the api role's, so a
  // worker reachable for its health check does not become a second, unmonitored API.
  if (!servesApi(role)) return app;
  for (const plugin of routes) void app.register(plugin);
  // The HTTP benchmark's baseline: the full stack (hooks, auth, envelope) minus any work.
  if (config.benchRoutes) void app.register(benchRoutes);
  return app;
}

const benchRoutes: FastifyPluginAsync = async (app) => {
  app.get('/_bench/noop', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ success: true }));
  app.post('/_bench/echo', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ success: true }));
};
