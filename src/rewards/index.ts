/** Public API of the rewards module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createRewardsService, type RewardFilter, type RewardsService } from './rewards.service.js';
export { createCallbackSender, type CallbackResolver, type CallbackSender, type CallbackTarget } from './callbacks.js';
export { createWalletClient, type WalletClient } from './wallet.client.js';
export { RewardWorker } from './worker.js';
export { REWARD_STATUSES, REWARD_TYPES, type Reward, type RewardStatus, type RewardType } from './rewards.repository.js';
/** What the events module writes in the ingestion transaction: a PENDING reward, its fact and its work item (insertPendingWhen: as CTEs of one statement). */
export { createReward, insertPendingWhen, type CreateRewardInput } from './rewards.repository.js';
