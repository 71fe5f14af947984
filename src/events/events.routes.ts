import { Type } from 'typebox';
import { tenantOf } from '../platform/http/auth.js';
import { AppError } from '../platform/errors.js';
import { EnvelopeOf, errorResponses, tenantSecurity } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { DateRangeQuery, dateRange, StrictQuery } from '../platform/http/filters.js';
import { PageOf, PageQuery, pageOf } from '../platform/paging.js';
import { CAMPAIGN_OUTCOMES, EventBatch, EventResult, IngestResult, MAX_BATCH } from './events.schema.js';

const EventView = Type.Object({
  eventId: Type.String(),
  type: Type.String(),
  playerId: Type.String(),
  occurredAt: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  outcome: Type.String(),
  result: Type.Union([EventResult, Type.Null()]),
  receivedAt: Type.String(),
});
import type { EventsService } from './events.service.js';

const TAG = ['行為事件'];

export function registerEventRoutes(app: App, events: EventsService): void {
  app.post(
    '/api/v1/events',
    {
      config: { auth: { tenant: ['events:write'] } },
      schema: {
        tags: TAG,
        summary: `Ingest behaviour events (batches of up to ${MAX_BATCH}; idempotent per eventId)`,
        description:
          'Each event gets an outcome: REWARDED, DUPLICATE, NO_ACTIVE_CAMPAIGN, NOT_ELIGIBLE, NOT_JOINED, LIMIT_REACHED, AMOUNT_LIMIT_REACHED, COOLDOWN, EXCLUDED, CURRENCY_MISMATCH, ZERO_REWARD, RULE_ERROR.',
        security: tenantSecurity,
        body: EventBatch,
        response: { 200: EnvelopeOf(IngestResult), ...errorResponses(400, 401, 403, 413) },
      },
    },
    async (request) => ok(request, await events.ingest(tenantOf(request).tenantId, request.body.events), { zh: '事件已處理', en: 'Events processed' }),
  );

  app.get(
    '/api/v1/events',
    {
      config: { auth: { tenant: ['events:read'] } },
      schema: {
        tags: TAG,
        summary: 'Received events and their outcomes, newest first (filter by type, outcome, player, occurredAt range)',
        security: tenantSecurity,
        querystring: StrictQuery({
          type: Type.Optional(Type.String({ maxLength: 100, description: 'user.deposit …' })),
          outcome: Type.Optional(Type.Union([...CAMPAIGN_OUTCOMES, 'DUPLICATE', 'NO_ACTIVE_CAMPAIGN', 'PROCESSING'].map((o) => Type.Literal(o)))),
          playerId: Type.Optional(Type.String({ maxLength: 100 })),
          ...DateRangeQuery,
          ...PageQuery,
        }),
        response: { 200: EnvelopeOf(PageOf(EventView)), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { type, outcome, playerId, page, size } = request.query;
      const filter = { ...(type ? { type } : {}), ...(outcome ? { outcome } : {}), ...(playerId ? { playerId } : {}), ...dateRange(request.query), page, size };
      const { rows, total } = await events.list(tenantOf(request).tenantId, filter);
      return ok(request, pageOf(rows, page, size, total), { zh: '查詢成功', en: 'OK' });
    },
  );

  app.get(
    '/api/v1/events/:eventId',
    {
      config: { auth: { tenant: ['events:read'] } },
      schema: {
        tags: TAG,
        summary: 'A received event and its outcome',
        security: tenantSecurity,
        params: Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: EnvelopeOf(EventView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const event = await events.find(tenantOf(request).tenantId, request.params.eventId);
      if (!event) throw new AppError('RESOURCE_NOT_FOUND', { zh: `事件不存在: ${request.params.eventId}`, en: `Event not found: ${request.params.eventId}` });
      return ok(request, event, { zh: '查詢成功', en: 'OK' });
    },
  );
}
