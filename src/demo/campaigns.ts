import type { CampaignsService } from '../campaigns/index.js';
import type { TemplatesService } from '../templates/index.js';
import type { TenantsService } from '../tenants/index.js';

export const DEMO_TENANT_ID = 'demo';
export const DEMO_KEY_ID = 'demo00000000';
/** Published on purpose (README, startup log): never created in production. */
const DEMO_SECRET = 'DemoOnly-NotASecret-NeverUseInProduction-00';
export const DEMO_API_KEY = `bnk_live_${DEMO_KEY_ID}_${DEMO_SECRET}`;

export interface CampaignSeedReport {
  readonly tenant: string;
  readonly apiKey: string;
  readonly campaigns: string[];
}

/**
 * The campaign platform's demo: tenant `demo`, a known API key, and two running campaigns built
 * from the built-in templates (first-deposit bonus and deposit match). Only when the tenant is new.
 */
export async function seedDemoCampaigns(deps: {
  tenants: TenantsService;
  templates: TemplatesService;
  campaigns: CampaignsService;
}): Promise<CampaignSeedReport | null> {
  try {
    await deps.tenants.create({ id: DEMO_TENANT_ID, name: 'Demo Casino' });
  } catch {
    return null; // already seeded
  }
  await deps.tenants.createApiKey(DEMO_TENANT_ID, { name: 'demo key (published, development only)' }, { keyId: DEMO_KEY_ID, secret: DEMO_SECRET });
  const first = await deps.templates.instantiate(DEMO_TENANT_ID, 'first-deposit-bonus', { bonusAmount: 20, minDeposit: 10, currency: 'USD' });
  const match = await deps.templates.instantiate(DEMO_TENANT_ID, 'deposit-match', {
    matchPercent: 50,
    maxBonus: 100,
    maxRewardsPerPlayer: 3,
    currency: 'USD',
    name: 'Deposit match 50%',
  });
  for (const c of [first, match]) await deps.campaigns.transition(DEMO_TENANT_ID, c.id, 'ACTIVE');
  return { tenant: DEMO_TENANT_ID, apiKey: DEMO_API_KEY, campaigns: [first.name, match.name] };
}
