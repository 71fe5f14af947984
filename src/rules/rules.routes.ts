import { Type } from 'typebox';
import type { App } from '../platform/http/server.js';
import { ok } from '../platform/http/server.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { PageOf, PageQuery, parseSort, SortQuery } from '../platform/paging.js';
import { RULE_SORT_PROPERTIES } from './rules.service.js';
import { RuleInput, RuleStatus, RuleStatusInput, RuleType, RuleView } from './rules.schema.js';
import type { RulesService } from './rules.service.js';

const BASE = '/api/v1/management/promotion-rules';
const TAG = ['優惠規則管理'];
const WRITERS = ['ADMIN', 'MANAGER'] as const;
const RuleIdParam = Type.Object({ ruleId: Type.String({ minLength: 1, maxLength: 100 }) });
const security = [{ basicAuth: [] }];

export function registerRuleRoutes(app: App, rules: RulesService): void {
  app.get(
    BASE,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'List promotion rules 取得所有優惠規則列表',
        security,
        querystring: Type.Object({ ruleType: Type.Optional(RuleType), status: Type.Optional(RuleStatus), ...PageQuery, ...SortQuery(RULE_SORT_PROPERTIES) }),
        response: { 200: EnvelopeOf(PageOf(RuleView)), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { ruleType, status, page, size } = request.query;
      const sort = parseSort(request.query.sort, RULE_SORT_PROPERTIES, 'PromotionRule');
      return ok(request, await rules.list({ ...(ruleType ? { ruleType } : {}), ...(status ? { status } : {}), page, size, sort }), {
        zh: '查詢成功',
        en: 'OK',
      });
    },
  );

  app.post(
    BASE,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Create a promotion rule 建立新的優惠規則',
        description:
          'SPEL 規則需可編譯、DROOLS 規則需為支援的 DRL 子集、HARDCODED 規則需為內建規則名稱；否則回傳 400 VALIDATION_FAILED 並指出位置。名稱重複回傳 409。',
        security,
        body: RuleInput,
        response: { 201: EnvelopeOf(RuleView), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const view = await rules.create(request.body, { actor: request.principal, requestId: request.id });
      return reply.status(201).send(ok(request, view, { zh: '優惠規則建立成功', en: 'Promotion rule created' }));
    },
  );

  app.get(
    `${BASE}/:ruleId`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Get a promotion rule 取得特定優惠規則詳細資訊',
        security,
        params: RuleIdParam,
        response: { 200: EnvelopeOf(RuleView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await rules.get(request.params.ruleId), { zh: '查詢成功', en: 'OK' }),
  );

  app.put(
    `${BASE}/:ruleId`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Update a promotion rule 更新優惠規則',
        security,
        params: RuleIdParam,
        body: RuleInput,
        response: { 200: EnvelopeOf(RuleView), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      ok(request, await rules.update(request.params.ruleId, request.body, { actor: request.principal, requestId: request.id }), {
        zh: '優惠規則已更新',
        en: 'Promotion rule updated',
      }),
  );

  app.delete(
    `${BASE}/:ruleId`,
    {
      config: { auth: ['ADMIN'] },
      schema: {
        tags: TAG,
        summary: 'Delete a promotion rule (soft delete, ADMIN only) 刪除優惠規則 (軟刪除，僅 ADMIN)',
        security,
        params: RuleIdParam,
        response: { 200: EnvelopeOf(Type.Object({ ruleId: Type.String(), deleted: Type.Boolean() })), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      await rules.remove(request.params.ruleId, { actor: request.principal, requestId: request.id });
      return ok(request, { ruleId: request.params.ruleId, deleted: true }, { zh: '優惠規則已刪除', en: 'Promotion rule deleted' });
    },
  );

  app.patch(
    `${BASE}/:ruleId/status`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Activate or deactivate a rule 更新規則狀態 (啟用/停用)',
        security,
        params: RuleIdParam,
        body: RuleStatusInput,
        response: { 200: EnvelopeOf(RuleView), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      ok(request, await rules.setStatus(request.params.ruleId, request.body.status, { actor: request.principal, requestId: request.id }), {
        zh: '規則狀態已更新',
        en: 'Rule status updated',
      }),
  );
}
