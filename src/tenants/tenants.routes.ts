import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { tenantOf } from '../platform/http/auth.js';
import { AppError } from '../platform/errors.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { StrictQuery } from '../platform/http/filters.js';
import { PageOf, PageQuery } from '../platform/paging.js';
import {
  ApiKeyInput,
  ApiKeyView,
  CallbackInput,
  CallbackSettings,
  CallbackSettingsWithSecret,
  CreatedApiKey,
  TenantChange,
  TenantInput,
  TenantStatus,
  TenantView,
  TokenRequest,
  TokenView,
} from './tenants.schema.js';
import type { TenantsService } from './tenants.service.js';

const BASE = '/api/v1/admin/tenants';
const TAG = ['租戶管理'];
const ADMIN = ['ADMIN'] as const;
const security = [{ basicAuth: [] }];
const tenantSecurity: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearerAuth: [] }];
const TenantIdParam = Type.Object({ tenantId: Type.String({ minLength: 1, maxLength: 40 }) });
const KeyParams = Type.Object({ tenantId: Type.String({ minLength: 1, maxLength: 40 }), keyId: Type.String({ minLength: 1, maxLength: 40 }) });

export function registerTenantRoutes(app: App, tenants: TenantsService): void {
  app.post(
    BASE,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Create a tenant',
        security,
        body: TenantInput,
        response: { 201: EnvelopeOf(TenantView), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(ok(request, await tenants.create(request.body), { zh: '租戶建立成功', en: 'Tenant created' })),
  );

  app.get(
    BASE,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'List tenants',
        security,
        querystring: StrictQuery(PageQuery),
        response: { 200: EnvelopeOf(PageOf(TenantView)), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ok(request, await tenants.list(request.query.page, request.query.size), { zh: '查詢成功', en: 'OK' }),
  );

  app.get(
    `${BASE}/:tenantId`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Get a tenant',
        security,
        params: TenantIdParam,
        response: { 200: EnvelopeOf(TenantView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await tenants.get(request.params.tenantId), { zh: '查詢成功', en: 'OK' }),
  );

  app.patch(
    `${BASE}/:tenantId`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Change a tenant’s name or default locale (en, zh-TW)',
        security,
        params: TenantIdParam,
        body: TenantChange,
        response: { 200: EnvelopeOf(TenantView), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(request, await tenants.update(request.params.tenantId, request.body), { zh: '租戶已更新', en: 'Tenant updated' }),
  );

  app.patch(
    `${BASE}/:tenantId/status`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Suspend or reactivate a tenant (a suspended tenant’s keys and tokens stop working)',
        security,
        params: TenantIdParam,
        body: Type.Object({ status: TenantStatus }, { additionalProperties: false }),
        response: { 200: EnvelopeOf(TenantView), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      ok(request, await tenants.setStatus(request.params.tenantId, request.body.status), { zh: '租戶狀態已更新', en: 'Tenant status updated' }),
  );

  app.post(
    `${BASE}/:tenantId/suspend`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Suspend a tenant',
        security,
        params: TenantIdParam,
        response: { 200: EnvelopeOf(TenantView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await tenants.setStatus(request.params.tenantId, 'SUSPENDED'), { zh: '租戶已停用', en: 'Tenant suspended' }),
  );

  app.post(
    `${BASE}/:tenantId/api-keys`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Create an API key (the key is returned once; only its hash is stored)',
        security,
        params: TenantIdParam,
        body: ApiKeyInput,
        response: { 201: EnvelopeOf(CreatedApiKey), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        ok(request, await tenants.createApiKey(request.params.tenantId, request.body), {
          zh: 'API 金鑰已建立，請妥善保存（僅顯示一次）',
          en: 'API key created; store it now, it is shown only once',
        }),
      ),
  );

  app.get(
    `${BASE}/:tenantId/api-keys`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'List a tenant’s API keys (never the secrets)',
        security,
        params: TenantIdParam,
        querystring: StrictQuery({}),
        response: { 200: EnvelopeOf(Type.Array(ApiKeyView)), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await tenants.listApiKeys(request.params.tenantId), { zh: '查詢成功', en: 'OK' }),
  );

  app.delete(
    `${BASE}/:tenantId/api-keys/:keyId`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Revoke an API key (its tokens stop working too)',
        security,
        params: KeyParams,
        response: { 200: EnvelopeOf(Type.Object({ keyId: Type.String(), revoked: Type.Boolean() })), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      await tenants.revokeApiKey(request.params.tenantId, request.params.keyId);
      return ok(request, { keyId: request.params.keyId, revoked: true }, { zh: 'API 金鑰已撤銷', en: 'API key revoked' });
    },
  );

  // Paid-reward callbacks: staff (ADMIN) for any tenant …
  const CALLBACK_DOC =
    'Banyan POSTs `{ type: "reward.paid", id, reward }` to the URL when a reward is paid, signed with `X-Banyan-Signature: sha256=<hex HMAC-SHA256 of the body>`.';
  app.get(
    `${BASE}/:tenantId/callback`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'A tenant’s paid-reward callback settings (never the secret)',
        security,
        params: TenantIdParam,
        response: { 200: EnvelopeOf(CallbackSettings), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await tenants.getCallback(request.params.tenantId), { zh: '查詢成功', en: 'OK' }),
  );
  app.put(
    `${BASE}/:tenantId/callback`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Set or remove a tenant’s callback URL (the first URL also generates the signing secret, shown once)',
        description: CALLBACK_DOC,
        security,
        params: TenantIdParam,
        body: CallbackInput,
        response: { 200: EnvelopeOf(CallbackSettingsWithSecret), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      ok(request, await tenants.setCallback(request.params.tenantId, request.body.callbackUrl), { zh: '回呼設定已更新', en: 'Callback settings updated' }),
  );
  app.post(
    `${BASE}/:tenantId/callback/secret`,
    {
      config: { auth: ADMIN },
      schema: {
        tags: TAG,
        summary: 'Rotate a tenant’s callback signing secret (shown once; the old one stops signing within 5 s)',
        security,
        params: TenantIdParam,
        response: { 200: EnvelopeOf(CallbackSettingsWithSecret), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      ok(request, await tenants.rotateCallbackSecret(request.params.tenantId), {
        zh: '簽章金鑰已更新，請妥善保存（僅顯示一次）',
        en: 'Signing secret rotated; store it now, it is shown only once',
      }),
  );

  // … and the tenant itself, with a credential carrying `tenant:admin`.
  const SELF = '/api/v1/tenant/callback';
  const SELF_TAG = ['租戶設定'];
  const selfAuth = { tenant: ['tenant:admin'] };
  app.get(
    SELF,
    {
      config: { auth: selfAuth },
      schema: {
        tags: SELF_TAG,
        summary: 'Your paid-reward callback settings (never the secret)',
        security: tenantSecurity,
        response: { 200: EnvelopeOf(CallbackSettings), ...errorResponses(401, 403) },
      },
    },
    async (request) => ok(request, await tenants.getCallback(tenantOf(request).tenantId), { zh: '查詢成功', en: 'OK' }),
  );
  app.put(
    SELF,
    {
      config: { auth: selfAuth },
      schema: {
        tags: SELF_TAG,
        summary: 'Set or remove your callback URL (the first URL also generates the signing secret, shown once)',
        description: CALLBACK_DOC,
        security: tenantSecurity,
        body: CallbackInput,
        response: { 200: EnvelopeOf(CallbackSettingsWithSecret), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) =>
      ok(request, await tenants.setCallback(tenantOf(request).tenantId, request.body.callbackUrl), { zh: '回呼設定已更新', en: 'Callback settings updated' }),
  );
  app.post(
    `${SELF}/secret`,
    {
      config: { auth: selfAuth },
      schema: {
        tags: SELF_TAG,
        summary: 'Rotate your callback signing secret (shown once; the old one stops signing within 5 s)',
        security: tenantSecurity,
        response: { 200: EnvelopeOf(CallbackSettingsWithSecret), ...errorResponses(401, 403) },
      },
    },
    async (request) =>
      ok(request, await tenants.rotateCallbackSecret(tenantOf(request).tenantId), {
        zh: '簽章金鑰已更新，請妥善保存（僅顯示一次）',
        en: 'Signing secret rotated; store it now, it is shown only once',
      }),
  );

  app.post(
    '/api/v1/auth/token',
    {
      config: { auth: { tenant: [], apiKeyOnly: true } },
      schema: {
        tags: ['租戶認證'],
        summary: 'Exchange an API key (X-API-Key) for a short-lived JWT bearer token',
        security: [{ apiKey: [] }],
        // Optional body { scopes }: validated in the handler because Fastify has no optional bodies.
        description: 'Optional JSON body `{ "scopes": [...] }` narrows the token. Revoking the key or suspending the tenant ends its tokens too.',
        response: { 200: EnvelopeOf(TokenView), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      if (!Value.Check(TokenRequest, body)) {
        const errors = [...Value.Errors(TokenRequest, body)].map((e) => ({ field: `body${e.instancePath.replace(/\//g, '.')}`, message: e.message }));
        throw new AppError(
          'INVALID_REQUEST',
          {
            zh: `請求資料驗證失敗: ${errors.map((e) => e.message).join('; ')}`,
            en: `Request validation failed: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
          },
          { errors },
        );
      }
      return ok(request, await tenants.issueToken(tenantOf(request), body.scopes), { zh: '權杖已簽發', en: 'Token issued' });
    },
  );
}
