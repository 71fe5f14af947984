import { Type } from 'typebox';
import type { App } from '../platform/http/server.js';
import { ok } from '../platform/http/server.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { PageOf, PageQuery, parseSort, SortQuery } from '../platform/paging.js';
import { TREE_SORT_PROPERTIES } from './trees.service.js';
import { TreeInput, TreeStatus, TreeSummary, TreeView } from './trees.schema.js';
import type { TreesService } from './trees.service.js';

const BASE = '/api/v1/management/decision-trees';
const TAG = ['決策樹管理'];
const WRITERS = ['ADMIN', 'MANAGER'] as const;
const TreeIdParam = Type.Object({ treeId: Type.String({ minLength: 1, maxLength: 100 }) });
const security = [{ basicAuth: [] }];

export function registerTreeRoutes(app: App, trees: TreesService): void {
  app.get(
    BASE,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'List decision trees 取得所有決策樹列表',
        security,
        querystring: Type.Object({ status: Type.Optional(TreeStatus), ...PageQuery, ...SortQuery(TREE_SORT_PROPERTIES) }),
        response: { 200: EnvelopeOf(PageOf(TreeSummary)), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { status, page, size } = request.query;
      const sort = parseSort(request.query.sort, TREE_SORT_PROPERTIES, 'DecisionTree');
      const result = await trees.list({ ...(status ? { status } : {}), page, size, sort });
      return ok(request, result, { zh: '查詢成功', en: 'OK' });
    },
  );

  app.post(
    BASE,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Create a decision tree 建立新的決策樹',
        description: '表達式無法編譯或計算參數不合法時回傳 400 VALIDATION_FAILED，並指出節點與位置；不會寫入任何資料。',
        security,
        body: TreeInput,
        response: { 201: EnvelopeOf(TreeView), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const view = await trees.create(request.body, { actor: request.principal, requestId: request.id });
      return reply.status(201).send(ok(request, view, { zh: '決策樹建立成功', en: 'Decision tree created' }));
    },
  );

  app.get(
    `${BASE}/:treeId`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Get a decision tree 取得特定決策樹詳細資訊',
        security,
        params: TreeIdParam,
        response: { 200: EnvelopeOf(TreeView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await trees.get(request.params.treeId), { zh: '查詢成功', en: 'OK' }),
  );

  app.put(
    `${BASE}/:treeId`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Update a decision tree (creates a new version) 更新決策樹配置 (產生新版本)',
        security,
        params: TreeIdParam,
        body: TreeInput,
        response: { 200: EnvelopeOf(TreeView), ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const view = await trees.update(request.params.treeId, request.body, { actor: request.principal, requestId: request.id });
      return ok(request, view, { zh: `決策樹已更新為第 ${view.version} 版`, en: `Decision tree updated to version ${view.version}` });
    },
  );

  app.delete(
    `${BASE}/:treeId`,
    {
      config: { auth: ['ADMIN'] },
      schema: {
        tags: TAG,
        summary: 'Delete a decision tree (soft delete, ADMIN only) 刪除決策樹 (軟刪除，僅 ADMIN)',
        security,
        params: TreeIdParam,
        response: { 200: EnvelopeOf(Type.Object({ treeId: Type.String(), deleted: Type.Boolean() })), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      await trees.remove(request.params.treeId, { actor: request.principal, requestId: request.id });
      return ok(request, { treeId: request.params.treeId, deleted: true }, { zh: '決策樹已刪除', en: 'Decision tree deleted' });
    },
  );
}
