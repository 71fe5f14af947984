/** Public API of the demo module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { seedDemoData, seedDemoUsers, type SeedReport } from './seed.js';
export { DEMO_API_KEY, DEMO_KEY_ID, DEMO_TENANT_ID, seedDemoCampaigns, type CampaignSeedReport } from './campaigns.js';
export { ensureDemoExternalSystems } from './external-systems.js';
export { retireDemoTenantRecorded } from './retire.js';
export { ensureUsers } from './staff.js';
