import { defineModule, ROLES } from '../platform/modules/contract.js';
import { sandboxFor } from '../roles.js';
import type { CampaignSeedReport } from './campaigns.js';
import type { SeedReport } from './seed.js';

export interface DemoApi {
  /** The demo trees and rules loaded by this start (null: the database already had trees). */
  readonly seeded: SeedReport | null;
  /** The campaign demo (tenant `demo`) loaded by this start (null: already there, or production). */
  readonly campaigns: CampaignSeedReport | null;
}

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    demo: DemoApi;
  }
}

/**
 * The demo data, a boot step rather than part of the core: the composition root adds it last, and
 * only when DEMO_DATA (src/modules.ts). It registers the demo's external systems at the embedded
 * simulators, loads the demo trees and rules into an empty database, and the campaign demo outside
 * production.
 */
export const demoModule = defineModule<DemoApi>({
  name: 'demo',
  roles: ROLES,
  async create({ config, role, logger, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { DEMO_API_KEY, seedDemoCampaigns } = await import('./campaigns.js');
    const { ensureDemoExternalSystems } = await import('./external-systems.js');
    const { seedDemoData } = await import('./seed.js');
    const sandbox = modules.get('sandbox').running;
    if (sandbox && sandboxFor(config, role).demo) {
      const registered = await ensureDemoExternalSystems(modules.get('external'), sandbox.url);
      logger.info({ url: sandbox.url, registered }, 'sandbox simulators started');
    }
    const trees = modules.get('trees').service;
    let seeded: SeedReport | null = null;
    if ((await trees.list({ page: 0, size: 1 })).totalElements === 0) {
      seeded = await seedDemoData({ trees, rules: modules.get('rules') }, { factorTreesActive: config.demoFactorTreesActive });
      logger.info(seeded, 'demo data loaded');
    }
    let campaigns: CampaignSeedReport | null = null;
    if (config.env !== 'production') {
      campaigns = await seedDemoCampaigns({ tenants: modules.get('tenants'), templates: modules.get('templates'), campaigns: modules.get('campaigns') });
      if (campaigns) logger.info(campaigns, 'campaign demo loaded');
      logger.info({ tenant: 'demo', apiKey: DEMO_API_KEY }, 'demo tenant API key (development only)');
    }
    return { api: { seeded, campaigns } };
  },
});

/**
 * The demo's accounts, in every start (the composition root lists it right after tenants): the
 * configured admin and, outside production, the document's demo staff users (admin/admin123 …;
 * production refuses a weak admin password and any user left on a published demo password), and
 * in production the retirement of a demo tenant left from a development database.
 */
export const demoAccountsModule = defineModule({
  name: 'demo-accounts',
  roles: ROLES,
  async create({ config, logger, modules }) {
    const { ensureUsers } = await import('./staff.js');
    const { retireDemoTenantRecorded } = await import('./retire.js');
    await ensureUsers(config, modules.get('users'), logger);
    if (config.env === 'production') await retireDemoTenantRecorded(modules.get('tenants'), { logger, audit: modules.get('audit') });
    return {};
  },
});
