/**
 * The rewards/outbox functions the campaign platform calls (contract of the `outbox` branch).
 * Swap these re-exports for src/rewards/rewards.repository.ts and src/platform/outbox/outbox.ts
 * when that branch is merged.
 */
export { createReward, enqueueEvent, listRewards, getReward, retryReward, type CreateRewardInput, type RewardType } from './pending-outbox.js';
