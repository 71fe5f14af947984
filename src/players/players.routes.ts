import { Type } from 'typebox';
import { tenantOf } from '../platform/http/auth.js';
import { AppError } from '../platform/errors.js';
import { EnvelopeOf, errorResponses, tenantSecurity } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import type { PlayersService } from './players.service.js';

const TAG = ['玩家'];
const PlayerParam = Type.Object({ playerId: Type.String({ minLength: 1, maxLength: 100 }) });
const PlayerView = Type.Object({
  id: Type.String(),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const OK = { zh: '查詢成功', en: 'OK' };

export function registerPlayerRoutes(app: App, players: PlayersService): void {
  app.put(
    '/api/v1/players/:playerId',
    {
      config: { auth: { tenant: ['players:write'] } },
      schema: {
        tags: TAG,
        summary: 'Create or replace a player’s attributes',
        security: tenantSecurity,
        params: PlayerParam,
        body: Type.Object({ attributes: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
        response: { 200: EnvelopeOf(PlayerView), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) =>
      ok(request, await players.put(tenantOf(request).tenantId, request.params.playerId, request.body.attributes), { zh: '玩家已更新', en: 'Player saved' }),
  );

  app.get(
    '/api/v1/players/:playerId',
    {
      config: { auth: { tenant: ['players:read'] } },
      schema: {
        tags: TAG,
        summary: 'A player and its attributes',
        security: tenantSecurity,
        params: PlayerParam,
        response: { 200: EnvelopeOf(PlayerView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { tenantId } = tenantOf(request);
      if (!(await players.exists(tenantId, request.params.playerId)))
        throw new AppError('RESOURCE_NOT_FOUND', { zh: `玩家不存在: ${request.params.playerId}`, en: `Player not found: ${request.params.playerId}` });
      return ok(request, await players.get(tenantId, request.params.playerId), OK);
    },
  );
}
