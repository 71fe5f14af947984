import { defineModule, ROLES } from '../platform/modules/contract.js';
import { changesOf, routesPlugin } from '../platform/modules/registry.js';
import { referenceMigrations } from './reference.migrations.js';
import type { ReferenceService } from './reference.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    reference: ReferenceService;
  }
}

/** Reference data and named queries (DATABASE_QUERY nodes read them). */
export const referenceModule = defineModule<ReferenceService>({
  name: 'reference',
  migrations: referenceMigrations,
  roles: ROLES,
  async create({ config, database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { registerReferenceRoutes } = await import('./reference.routes.js');
    const { createReferenceService } = await import('./reference.service.js');
    const reference = createReferenceService({ db: database.db, changes: changesOf(modules) });
    return { api: reference, routes: routesPlugin((app) => registerReferenceRoutes(app, reference, { csvLimitBytes: config.referenceCsvLimitBytes })) };
  },
});
