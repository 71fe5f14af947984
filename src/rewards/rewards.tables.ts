export const REWARD_TYPES = ['CASH', 'BONUS', 'FREE_SPINS', 'POINTS'] as const;
export type RewardType = (typeof REWARD_TYPES)[number];
export const REWARD_STATUSES = ['PENDING', 'PROCESSING', 'PAID', 'FAILED'] as const;
export type RewardStatus = (typeof REWARD_STATUSES)[number];

export interface RewardsTable {
  id: string;
  tenant_id: string;
  campaign_id: string;
  player_id: string;
  event_id: string;
  /** NUMERIC on PostgreSQL (read back as text), TEXT on SQLite: never a float. */
  amount: string;
  currency: string;
  reward_type: RewardType;
  quantity: number | null;
  status: RewardStatus;
  attempts: number;
  last_error: string | null;
  wallet_transaction_id: string | null;
  paid_at: string | null;
  metadata: unknown;
  created_at: string;
  updated_at: string;
  /** When a PENDING reward may next be tried (retry backoff). */
  next_attempt_at: string;
  /** Until when a PROCESSING claim holds; an expired lease is a crashed worker's and may be retaken. */
  lease_until: string | null;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    rewards: RewardsTable;
  }
}
