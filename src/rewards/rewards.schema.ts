import { Type } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { REWARD_STATUSES, REWARD_TYPES, type RewardStatus, type RewardType } from './rewards.tables.js';

/** A reward as the API answers it (the repository's Reward). */
export const RewardView = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  campaignId: Type.String(),
  playerId: Type.String(),
  eventId: Type.String(),
  amount: Type.String({ description: 'Decimal amount as text (exact) 金額' }),
  currency: Type.String(),
  rewardType: Type.Unsafe<RewardType>({ type: 'string', enum: [...REWARD_TYPES] }),
  quantity: Nullable(Type.Number()),
  status: Type.Unsafe<RewardStatus>({ type: 'string', enum: [...REWARD_STATUSES] }),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  walletTransactionId: Nullable(Type.String()),
  paidAt: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
