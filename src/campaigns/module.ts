import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { campaignsMigrations } from './campaigns.migrations.js';
import type { CampaignsService } from './campaigns.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    campaigns: CampaignsService;
  }
}

/** Seed 000's campaigns: rules (JSONLogic), reward formulas, lifecycle, simulation. */
export const campaignsModule = defineModule<CampaignsService>({
  name: 'campaigns',
  migrations: campaignsMigrations,
  roles: ROLES,
  async create({ config, database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { deadlineBudgets } = await import('../platform/deadline.js');
    const { registerCampaignRoutes } = await import('./campaigns.routes.js');
    const { createCampaignsService } = await import('./campaigns.service.js');
    const campaigns = createCampaignsService({ db: database.db, players: modules.get('players'), budgets: deadlineBudgets(config.evaluation.deadlineMs) });
    return { api: campaigns, routes: routesPlugin((app) => registerCampaignRoutes(app, campaigns)) };
  },
});
