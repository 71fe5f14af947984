/** Public API of the campaigns module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export {
  createCampaignsService,
  toView,
  LIVE_TTL_MS,
  type CampaignsService,
  type CampaignsDeps,
  type LiveCampaign,
  type PlayerCampaign,
} from './campaigns.service.js';
export { CAMPAIGN_STATUSES, CampaignInput, CampaignView, type CampaignStatus } from './campaigns.schema.js';
export { holds, truthy, type CompiledCampaignRules, type RuleName } from './campaign-rules.js';
/** What the events module writes in the ingestion transaction (and, as CTE builders, in its one-statement path): a participant row, the limit-checked stats claim. */
export { addParticipant, addParticipantWhen } from './campaigns.repository.js';
export { claimFailure, claimReward, claimWhen, prevStats, whyNotClaimed, type Claim, type Limits, type StatsKey } from './stats.repository.js';
