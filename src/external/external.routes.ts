import { Type } from 'typebox';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { PageOf, PageQuery } from '../platform/paging.js';
import { ExternalSystemInput, ExternalSystemView, SystemStatus } from './external.schema.js';
import type { ExternalSystemsService } from './external.service.js';

const BASE = '/api/v1/management/external-systems';
const TAG = ['外部系統管理'];
/** Reads as before; writes only ADMIN: a system's headers decide which secrets leave the process, and where to. */
const READERS = ['ADMIN', 'MANAGER'] as const;
const WRITERS = ['ADMIN'] as const;
const security = [{ basicAuth: [] }];
const Params = Type.Object({ systemId: Type.String({ minLength: 1, maxLength: 100, description: 'id or name' }) });

export function registerExternalSystemRoutes(app: App, systems: ExternalSystemsService): void {
  app.get(
    BASE,
    {
      config: { auth: READERS },
      schema: {
        tags: TAG,
        summary: 'List external systems 取得外部系統列表',
        security,
        querystring: Type.Object({ status: Type.Optional(SystemStatus), ...PageQuery }),
        response: { 200: EnvelopeOf(PageOf(ExternalSystemView)), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { status, page, size } = request.query;
      return ok(request, await systems.list({ ...(status ? { status } : {}), page, size }), { zh: '查詢成功', en: 'OK' });
    },
  );

  app.post(
    BASE,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Register an external system (ADMIN only) 註冊外部系統 (僅 ADMIN)',
        description:
          '僅 ADMIN。機密只能以環境變數參照寫在 headers (`${env:BANYAN_EXT_SECRET_NAME}`，只接受 BANYAN_EXT_SECRET_ 開頭的變數)，於呼叫時解析，不儲存、不記錄、不回傳其值。baseUrl 須符合對外位址政策 (正式環境拒絕私有與保留位址，或 EXTERNAL_HOSTS_ALLOW)。名稱重複回傳 409。',
        security,
        body: ExternalSystemInput,
        response: { 201: EnvelopeOf(ExternalSystemView), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const view = await systems.create(request.body, { actor: request.principal, requestId: request.id });
      return reply.status(201).send(ok(request, view, { zh: '外部系統已建立', en: 'External system created' }));
    },
  );

  app.get(
    `${BASE}/:systemId`,
    {
      config: { auth: READERS },
      schema: {
        tags: TAG,
        summary: 'Get an external system (with circuit-breaker state) 取得外部系統 (含斷路器狀態)',
        security,
        params: Params,
        response: { 200: EnvelopeOf(ExternalSystemView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await systems.get(request.params.systemId), { zh: '查詢成功', en: 'OK' }),
  );

  app.put(
    `${BASE}/:systemId`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Update an external system (ADMIN only) 更新外部系統 (僅 ADMIN)',
        security,
        params: Params,
        body: ExternalSystemInput,
        response: { 200: EnvelopeOf(ExternalSystemView), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      ok(request, await systems.update(request.params.systemId, request.body, { actor: request.principal, requestId: request.id }), {
        zh: '外部系統已更新',
        en: 'External system updated',
      }),
  );

  app.delete(
    `${BASE}/:systemId`,
    {
      config: { auth: ['ADMIN'] },
      schema: {
        tags: TAG,
        summary: 'Delete an external system (soft delete, ADMIN only) 刪除外部系統 (軟刪除，僅 ADMIN)',
        security,
        params: Params,
        response: { 200: EnvelopeOf(Type.Object({ systemId: Type.String(), deleted: Type.Boolean() })), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      await systems.remove(request.params.systemId, { actor: request.principal, requestId: request.id });
      return ok(request, { systemId: request.params.systemId, deleted: true }, { zh: '外部系統已刪除', en: 'External system deleted' });
    },
  );
}
