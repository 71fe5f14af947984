import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { templatesMigrations } from './templates.migrations.js';
import type { TemplatesService } from './templates.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    templates: TemplatesService;
  }
}

/** Campaign templates (built-in and the tenant's own, validated by JSON Schema). */
export const templatesModule = defineModule<TemplatesService>({
  name: 'templates',
  migrations: templatesMigrations,
  roles: ROLES,
  async create({ database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { registerTemplateRoutes } = await import('./templates.routes.js');
    const { createTemplatesService } = await import('./templates.service.js');
    const templates = createTemplatesService({ db: database.db, campaigns: modules.get('campaigns') });
    return { api: templates, routes: routesPlugin((app) => registerTemplateRoutes(app, templates)) };
  },
});
