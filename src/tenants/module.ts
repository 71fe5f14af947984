import { randomBytes } from 'node:crypto';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { addressPolicies } from '../platform/net/policies.js';
import { tenantsMigrations } from './tenants.migrations.js';
import type { TenantsService } from './tenants.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    tenants: TenantsService;
  }
}

/** Tenants, their API keys and access tokens, and their callback secrets (re-encrypted at start with the current key). */
export const tenantsModule = defineModule<TenantsService>({
  name: 'tenants',
  migrations: tenantsMigrations,
  roles: ROLES,
  async create({ config, database, logger, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { secretBoxOf } = await import('../platform/secrets/keys.js');
    const { reencryptStoredSecrets } = await import('./secrets-startup.js');
    const { registerTenantRoutes } = await import('./tenants.routes.js');
    const { createTenantsService } = await import('./tenants.service.js');
    if (!config.jwt.secret && config.env === 'production') {
      logger.warn('JWT_SECRET is not set: tenant tokens use a random per-process key and die on restart (set it for multi-node)');
    }
    const tenants = createTenantsService({
      db: database.db,
      jwtSecret: config.jwt.secret ? new TextEncoder().encode(config.jwt.secret) : randomBytes(32),
      tokenTtlSeconds: config.jwt.ttlSeconds,
      callbackPolicy: addressPolicies(config).callbacks,
      secretBox: secretBoxOf(config),
    });
    if (config.secretKeys.development)
      logger.warn('BANYAN_SECRET_KEY is not set: stored secrets are encrypted with the published development key (production refuses to start without one)');
    const audit = modules.get('audit');
    await reencryptStoredSecrets(tenants, { logger, audit });
    return { api: tenants, routes: routesPlugin((app) => registerTenantRoutes(app, tenants)) };
  },
});
