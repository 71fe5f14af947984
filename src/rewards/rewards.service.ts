import type { Kysely } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import type { Page } from '../platform/paging.js';
import { getReward, listRewards, retryReward, type Reward } from './rewards.repository.js';

export type RewardFilter = Parameters<typeof listRewards>[2];

/** What the rewards routes call: a tenant's rewards, and the retry of a FAILED payout. */
export interface RewardsService {
  /** Newest first; `status` is matched as given, `from`/`to` are database timestamps on createdAt. */
  list(tenantId: string, filter: RewardFilter): Promise<Page<Reward>>;
  get(tenantId: string, id: string): Promise<Reward | undefined>;
  /** FAILED → PENDING with a fresh set of attempts (RESOURCE_NOT_FOUND, or 422 when not FAILED). */
  retry(tenantId: string, id: string): Promise<Reward>;
}

export function createRewardsService(db: Kysely<Tables>): RewardsService {
  return {
    list: (tenantId, filter) => listRewards(db, tenantId, filter),
    get: (tenantId, id) => getReward(db, tenantId, id),
    retry: (tenantId, id) => retryReward(db, tenantId, id),
  };
}
