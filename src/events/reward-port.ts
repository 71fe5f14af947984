/**
 * The rewards/outbox functions the campaign platform calls, from the rewards module and the
 * platform outbox (the `outbox` branch's contract).
 */
export { createReward, listRewards, getReward, retryReward, type CreateRewardInput, type RewardType } from '../rewards/rewards.repository.js';
export { enqueueEvent } from '../platform/outbox/outbox.js';
