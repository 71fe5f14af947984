import { deadlineBudgets } from '../platform/deadline.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { campaignsMigrations } from './campaigns.migrations.js';
import { registerCampaignRoutes } from './campaigns.routes.js';
import { createCampaignsService, type CampaignsService } from './campaigns.service.js';

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
  create({ config, database, modules }) {
    const campaigns = createCampaignsService({ db: database.db, players: modules.get('players'), budgets: deadlineBudgets(config.evaluation.deadlineMs) });
    return { api: campaigns, routes: routesPlugin((app) => registerCampaignRoutes(app, campaigns)) };
  },
});
