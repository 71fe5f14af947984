import { Type } from 'typebox';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { PageOf, PageQuery, pageOf } from '../platform/paging.js';
import type { DeadLetters } from './dead-letters.js';

const DeadLetterView = Type.Object({
  id: Type.String(),
  topic: Type.String({ description: 'Subject the message arrived on (without the deployment prefix)' }),
  deadLetterTopic: Type.String({ description: 'Where its copy was published: banyan.dlq.<topic>' }),
  messageId: Type.String(),
  tenantId: Type.Union([Type.String(), Type.Null()]),
  reasonCode: Type.String({ description: 'NOT_JSON, INVALID_TEXT, INVALID_EVENT, NO_TENANT, TENANT_MISMATCH, UNKNOWN_TENANT, UNKNOWN_SUBJECT' }),
  reason: Type.String(),
  payload: Type.Unknown({ description: 'The body (≤ 64 KB; a body that is not JSON as {raw}; NUL and lone surrogates escaped)' }),
  headers: Type.Record(Type.String(), Type.String()),
  deliveryCount: Type.Integer(),
  receivedAt: Type.String(),
});

/** ADMIN: the bus messages that were acknowledged without processing, newest first. */
export function registerDeadLetterRoutes(app: App, deadLetters: Pick<DeadLetters, 'list'>): void {
  app.get(
    '/api/v1/admin/dead-letters',
    {
      config: { auth: ['ADMIN'] },
      schema: {
        tags: ['系統監控'],
        summary: 'Dead-lettered bus messages (e.g. invalid trigger.<tenant>.user.* events), newest first',
        security: [{ basicAuth: [] }],
        querystring: Type.Object(
          {
            ...PageQuery,
            topic: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
            reasonCode: Type.Optional(Type.String({ pattern: '^[A-Z_]{1,40}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: EnvelopeOf(PageOf(DeadLetterView)), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { page, size, topic, reasonCode } = request.query;
      const { rows, total } = await deadLetters.list({ ...(topic ? { topic } : {}), ...(reasonCode ? { reasonCode } : {}) }, page, size);
      return ok(request, pageOf(rows, page, size, total), { zh: '查詢成功', en: 'OK' });
    },
  );
}
