/**
 * Usage metering (issue #13): every tenant API call counted in memory by tenant, key, route
 * pattern, method and status, flushed in idempotent batches into per-minute buckets, and read back
 * through `GET /api/v1/usage` (tenants) and `GET /api/v1/admin/usage` (ADMIN).
 */
import { defineModule } from '../platform/modules/contract.js';
import { usageMigrations } from './usage.migrations.js';
import { usageRoutes } from './usage.routes.js';
import { createUsageService, type UsageService } from './usage.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    usage: UsageService;
  }
}

export const usageModule = defineModule<UsageService>({
  name: 'usage',
  migrations: usageMigrations,
  // Requests are counted where they are answered: the processes that serve the API.
  roles: ['all', 'api'],
  create(ctx) {
    const usage = createUsageService({ database: ctx.database, logger: ctx.logger.child({ module: 'usage' }), flushMs: ctx.config.usage.flushMs });
    return {
      api: usage,
      routes: usageRoutes(usage),
      start: async () => usage.start(),
      stop: () => usage.stop(),
    };
  },
});
