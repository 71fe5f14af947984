import type { ColumnType } from 'kysely';

export interface CampaignTable {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  status: string;
  starts_at: string | null;
  ends_at: string | null;
  /** JSON array of event types the campaign listens to (`user.deposit` …). */
  event_types: unknown;
  reward_type: string;
  currency: string;
  /** `{ language, rule }` JSON, or null (no condition). */
  visibility_rule: unknown;
  participation_rule: unknown;
  eligibility_rule: unknown;
  reward_formula: unknown;
  max_rewards_per_player: number | null;
  /** Decimal text (exact on both dialects). */
  max_amount_per_player: string | null;
  cooldown_seconds: number | null;
  priority: number;
  exclusivity_group: string | null;
  template_id: string | null;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}

export interface CampaignParticipantTable {
  tenant_id: string;
  campaign_id: string;
  player_id: string;
  /** JOIN (explicit) or AUTO (first reward of a campaign without a participation rule). */
  source: string;
  joined_at: string;
}

/** Per-player counters; changed only by one conditional UPDATE (see stats.repository.ts). */
export interface PlayerCampaignStatsTable {
  tenant_id: string;
  campaign_id: string;
  player_id: string;
  reward_count: number;
  /** Sum of rewarded amounts in the currency's minor units (integer: exact on SQLite too). */
  reward_amount_minor: number;
  last_reward_at: string | null;
  updated_at: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    campaigns: CampaignTable;
    campaign_participants: CampaignParticipantTable;
    player_campaign_stats: PlayerCampaignStatsTable;
  }
}
