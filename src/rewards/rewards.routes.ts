import { Type } from 'typebox';
import { tenantOf } from '../platform/http/auth.js';
import { AppError } from '../platform/errors.js';
import { DateRangeQuery, dateRange, StrictQuery } from '../platform/http/filters.js';
import { EnvelopeOf, errorResponses, tenantSecurity } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { PageOf, PageQuery } from '../platform/paging.js';
import { RewardView } from './rewards.schema.js';
import type { RewardsService } from './rewards.service.js';
import { REWARD_STATUSES, REWARD_TYPES } from './rewards.tables.js';

const TAG = ['玩家'];
const PlayerParam = Type.Object({ playerId: Type.String({ minLength: 1, maxLength: 100 }) });
const OK = { zh: '查詢成功', en: 'OK' };
const RewardFilterFields = {
  campaignId: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.Union(REWARD_STATUSES.map((st) => Type.Literal(st)))),
  rewardType: Type.Optional(Type.Union(REWARD_TYPES.map((t) => Type.Literal(t)))),
  eventId: Type.Optional(Type.String({ maxLength: 100 })),
  ...DateRangeQuery,
  ...PageQuery,
};
const RewardFilter = StrictQuery({ playerId: Type.Optional(Type.String({ maxLength: 100 })), ...RewardFilterFields });
const PlayerRewardFilter = StrictQuery(RewardFilterFields);
/** The query's reward filters, unset ones left out; `from`/`to` as database timestamps (createdAt). */
const rewardFilter = (q: {
  playerId?: string;
  campaignId?: string;
  status?: string;
  rewardType?: string;
  eventId?: string;
  from?: string;
  to?: string;
  page: number;
  size: number;
}) => ({
  ...(q.playerId ? { playerId: q.playerId } : {}),
  ...(q.campaignId ? { campaignId: q.campaignId } : {}),
  ...(q.status ? { status: q.status } : {}),
  ...(q.rewardType ? { rewardType: q.rewardType } : {}),
  ...(q.eventId ? { eventId: q.eventId } : {}),
  ...dateRange(q),
  page: q.page,
  size: q.size,
});
const RewardPage = EnvelopeOf(PageOf(RewardView));
const RewardOne = EnvelopeOf(RewardView);
const rewardNotFound = (id: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `獎勵不存在: ${id}`, en: `Reward not found: ${id}` });

/** A tenant's rewards: `/api/v1/rewards` and a player's (`/api/v1/players/:playerId/rewards`). */
export function registerRewardRoutes(app: App, rewards: RewardsService): void {
  app.get(
    '/api/v1/players/:playerId/rewards',
    {
      config: { auth: { tenant: ['rewards:read'] } },
      schema: {
        tags: TAG,
        summary: 'A player’s rewards, newest first (filter by campaign, status, type, event, createdAt range)',
        security: tenantSecurity,
        params: PlayerParam,
        querystring: PlayerRewardFilter,
        response: { 200: RewardPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ok(request, await rewards.list(tenantOf(request).tenantId, { ...rewardFilter(request.query), playerId: request.params.playerId }), OK),
  );

  app.get(
    '/api/v1/rewards',
    {
      config: { auth: { tenant: ['rewards:read'] } },
      schema: {
        tags: ['獎勵'],
        summary: 'List rewards, newest first (filter by player, campaign, status, type, event, createdAt range)',
        security: tenantSecurity,
        querystring: RewardFilter,
        response: { 200: RewardPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ok(request, await rewards.list(tenantOf(request).tenantId, rewardFilter(request.query)), OK),
  );

  app.get(
    '/api/v1/rewards/:id',
    {
      config: { auth: { tenant: ['rewards:read'] } },
      schema: {
        tags: ['獎勵'],
        summary: 'A reward',
        security: tenantSecurity,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: RewardOne, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const reward = await rewards.get(tenantOf(request).tenantId, request.params.id);
      if (!reward) throw rewardNotFound(request.params.id);
      return ok(request, reward, OK);
    },
  );

  app.post(
    '/api/v1/rewards/:id/retry',
    {
      config: { auth: { tenant: ['rewards:write'] } },
      schema: {
        tags: ['獎勵'],
        summary: 'Retry a FAILED reward payout',
        security: tenantSecurity,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: RewardOne, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const reward = await rewards.retry(tenantOf(request).tenantId, request.params.id);
      if (!reward) throw rewardNotFound(request.params.id);
      return ok(request, reward, { zh: '已重新排程發獎', en: 'Reward queued for retry' });
    },
  );
}
