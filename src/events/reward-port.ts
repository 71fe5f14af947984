/** The rewards/outbox functions the campaign platform calls (owned by src/rewards and src/platform/outbox). */
export { createReward, getReward, listRewards, retryReward, type CreateRewardInput, type RewardType } from '../rewards/rewards.repository.js';
export { enqueueEvent } from '../platform/outbox/outbox.js';
