import { defineModule, ROLES } from '../platform/modules/contract.js';
import { changesOf, routesPlugin } from '../platform/modules/registry.js';
import { addressPolicies } from '../platform/net/policies.js';
import { externalMigrations } from './external.migrations.js';
import type { ExternalSystemsService } from './external.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    external: ExternalSystemsService;
  }
}

/** External systems (EXTERNAL_SYSTEM nodes call them); closes their HTTP clients on stop. */
export const externalModule = defineModule<ExternalSystemsService>({
  name: 'external',
  migrations: externalMigrations,
  roles: ROLES,
  async create({ config, database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { registerExternalSystemRoutes } = await import('./external.routes.js');
    const { createExternalSystemsService } = await import('./external.service.js');
    const systems = createExternalSystemsService({
      db: database.db,
      changes: changesOf(modules),
      ttlMs: config.externalCacheTtlMs,
      addressPolicy: addressPolicies(config).external,
    });
    return { api: systems, routes: routesPlugin((app) => registerExternalSystemRoutes(app, systems)), stop: () => systems.close() };
  },
});
