import { Type } from 'typebox';
import { tenantSecurity } from '../campaigns/campaigns.routes.js';
import { CampaignView } from '../campaigns/campaigns.schema.js';
import type { CampaignsService } from '../campaigns/campaigns.service.js';
import { getReward, listRewards, retryReward } from '../events/reward-port.js';
import { REWARD_STATUSES, REWARD_TYPES } from '../rewards/rewards.repository.js';
import { DateRangeQuery, dateRange, StrictQuery } from '../platform/http/filters.js';
import type { Database } from '../platform/db/database.js';
import { tenantOf } from '../platform/http/auth.js';
import { AppError } from '../platform/errors.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { PageOf, PageQuery } from '../platform/paging.js';
import { RewardView } from '../rewards/rewards.schema.js';
import type { PlayersService } from './players.service.js';

const TAG = ['玩家'];
const PlayerParam = Type.Object({ playerId: Type.String({ minLength: 1, maxLength: 100 }) });
const PlayerView = Type.Object({ id: Type.String(), attributes: Type.Record(Type.String(), Type.Unknown()), createdAt: Type.String(), updatedAt: Type.String() });
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
const rewardFilter = (q: { playerId?: string; campaignId?: string; status?: string; rewardType?: string; eventId?: string; from?: string; to?: string; page: number; size: number }) => ({
  ...(q.playerId ? { playerId: q.playerId } : {}),
  ...(q.campaignId ? { campaignId: q.campaignId } : {}),
  ...(q.status ? { status: q.status } : {}),
  ...(q.rewardType ? { rewardType: q.rewardType } : {}),
  ...(q.eventId ? { eventId: q.eventId } : {}),
  ...dateRange(q),
  page: q.page,
  size: q.size,
});
// The reward view belongs to the rewards module; its shape is passed through.
const RewardPage = EnvelopeOf(PageOf(RewardView));
const RewardOne = EnvelopeOf(RewardView);
const rewardNotFound = (id: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `獎勵不存在: ${id}`, en: `Reward not found: ${id}` });

export interface PlayerRouteDeps {
  readonly database: Database;
  readonly players: PlayersService;
  readonly campaigns: CampaignsService;
}

export function registerPlayerRoutes(app: App, deps: PlayerRouteDeps): void {
  const { players, campaigns } = deps;
  const { db } = deps.database;

  app.put(
    '/api/v1/players/:playerId',
    { config: { auth: { tenant: ['players:write'] } }, schema: { tags: TAG, summary: 'Create or replace a player’s attributes', security: tenantSecurity, params: PlayerParam, body: Type.Object({ attributes: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }), response: { 200: EnvelopeOf(PlayerView), ...errorResponses(400, 401, 403) } } },
    async (request) => ok(request, await players.put(tenantOf(request).tenantId, request.params.playerId, request.body.attributes), { zh: '玩家已更新', en: 'Player saved' }),
  );

  app.get(
    '/api/v1/players/:playerId',
    { config: { auth: { tenant: ['players:read'] } }, schema: { tags: TAG, summary: 'A player and its attributes', security: tenantSecurity, params: PlayerParam, response: { 200: EnvelopeOf(PlayerView), ...errorResponses(401, 403, 404) } } },
    async (request) => {
      const { tenantId } = tenantOf(request);
      if (!(await players.exists(tenantId, request.params.playerId))) throw new AppError('RESOURCE_NOT_FOUND', { zh: `玩家不存在: ${request.params.playerId}`, en: `Player not found: ${request.params.playerId}` });
      return ok(request, await players.get(tenantId, request.params.playerId), OK);
    },
  );

  app.get(
    '/api/v1/players/:playerId/campaigns',
    {
      config: { auth: { tenant: ['players:read'] } },
      schema: {
        tags: TAG,
        summary: 'Live campaigns this player can see (visibility rule on the player’s attributes)',
        security: tenantSecurity,
        params: PlayerParam,
        querystring: StrictQuery({}),
        response: { 200: EnvelopeOf(Type.Array(Type.Object({ campaign: CampaignView, joined: Type.Boolean(), requiresJoin: Type.Boolean(), canJoin: Type.Boolean() }))), ...errorResponses(401, 403) },
      },
    },
    async (request) => ok(request, await campaigns.visibleTo(tenantOf(request).tenantId, request.params.playerId), OK),
  );

  app.get(
    '/api/v1/players/:playerId/rewards',
    { config: { auth: { tenant: ['rewards:read'] } }, schema: { tags: TAG, summary: 'A player’s rewards, newest first (filter by campaign, status, type, event, createdAt range)', security: tenantSecurity, params: PlayerParam, querystring: PlayerRewardFilter, response: { 200: RewardPage, ...errorResponses(400, 401, 403) } } },
    async (request) => ok(request, await listRewards(db, tenantOf(request).tenantId, { ...rewardFilter(request.query), playerId: request.params.playerId }), OK),
  );

  app.get(
    '/api/v1/rewards',
    { config: { auth: { tenant: ['rewards:read'] } }, schema: { tags: ['獎勵'], summary: 'List rewards, newest first (filter by player, campaign, status, type, event, createdAt range)', security: tenantSecurity, querystring: RewardFilter, response: { 200: RewardPage, ...errorResponses(400, 401, 403) } } },
    async (request) => ok(request, await listRewards(db, tenantOf(request).tenantId, rewardFilter(request.query)), OK),
  );

  app.get(
    '/api/v1/rewards/:id',
    { config: { auth: { tenant: ['rewards:read'] } }, schema: { tags: ['獎勵'], summary: 'A reward', security: tenantSecurity, params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 200: RewardOne, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      const reward = await getReward(db, tenantOf(request).tenantId, request.params.id);
      if (!reward) throw rewardNotFound(request.params.id);
      return ok(request, reward, OK);
    },
  );

  app.post(
    '/api/v1/rewards/:id/retry',
    { config: { auth: { tenant: ['rewards:write'] } }, schema: { tags: ['獎勵'], summary: 'Retry a FAILED reward payout', security: tenantSecurity, params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 200: RewardOne, ...errorResponses(401, 403, 404, 422) } } },
    async (request) => {
      const reward = await retryReward(db, tenantOf(request).tenantId, request.params.id);
      if (!reward) throw rewardNotFound(request.params.id);
      return ok(request, reward, { zh: '已重新排程發獎', en: 'Reward queued for retry' });
    },
  );
}
