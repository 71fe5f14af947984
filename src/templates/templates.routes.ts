import { Type } from 'typebox';
import { CampaignView } from '../campaigns/index.js';
import { tenantOf } from '../platform/http/auth.js';
import { EnvelopeOf, errorResponses, tenantSecurity } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { StrictQuery } from '../platform/http/filters.js';
import { FromTemplateInput, TemplateInput, TemplateView } from './templates.schema.js';
import type { TemplatesService } from './templates.service.js';

const TAG = ['活動模板'];
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const OK = { zh: '查詢成功', en: 'OK' };

export function registerTemplateRoutes(app: App, templates: TemplatesService): void {
  app.get(
    '/api/v1/templates',
    {
      config: { auth: { tenant: ['templates:read'] } },
      schema: {
        tags: TAG,
        summary: 'Built-in and own templates',
        security: tenantSecurity,
        querystring: StrictQuery({}),
        response: { 200: EnvelopeOf(Type.Array(TemplateView)), ...errorResponses(401, 403) },
      },
    },
    async (request) => ok(request, await templates.list(tenantOf(request).tenantId), OK),
  );

  app.get(
    '/api/v1/templates/:id',
    {
      config: { auth: { tenant: ['templates:read'] } },
      schema: {
        tags: TAG,
        summary: 'A template',
        security: tenantSecurity,
        params: IdParam,
        response: { 200: EnvelopeOf(TemplateView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await templates.get(tenantOf(request).tenantId, request.params.id), OK),
  );

  app.post(
    '/api/v1/templates',
    {
      config: { auth: { tenant: ['templates:write'] } },
      schema: {
        tags: TAG,
        summary: 'Add a tenant template',
        security: tenantSecurity,
        body: TemplateInput,
        response: { 201: EnvelopeOf(TemplateView), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { description, ...rest } = request.body;
      return reply.status(201).send(
        ok(request, await templates.create(tenantOf(request).tenantId, { ...rest, description: description ?? null }), {
          zh: '模板已建立',
          en: 'Template created',
        }),
      );
    },
  );

  app.delete(
    '/api/v1/templates/:id',
    {
      config: { auth: { tenant: ['templates:write'] } },
      schema: {
        tags: TAG,
        summary: 'Delete a tenant template',
        security: tenantSecurity,
        params: IdParam,
        response: { 200: EnvelopeOf(Type.Object({ id: Type.String(), deleted: Type.Boolean() })), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      await templates.remove(tenantOf(request).tenantId, request.params.id);
      return ok(request, { id: request.params.id, deleted: true }, { zh: '模板已刪除', en: 'Template deleted' });
    },
  );

  app.post(
    '/api/v1/campaigns/from-template',
    {
      config: { auth: { tenant: ['campaigns:write', 'templates:read'] } },
      schema: {
        tags: ['活動管理'],
        summary: 'Create a DRAFT campaign from a template and parameters',
        description: 'Parameters are validated against the template’s JSON Schema; errors name the field (`parameters.matchPercent`).',
        security: tenantSecurity,
        body: FromTemplateInput,
        response: { 201: EnvelopeOf(CampaignView), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { templateId, parameters, overrides } = request.body;
      const view = await templates.instantiate(tenantOf(request).tenantId, templateId, parameters, overrides, request.locale);
      return reply.status(201).send(ok(request, view, { zh: '已由模板建立活動', en: 'Campaign created from template' }));
    },
  );
}
