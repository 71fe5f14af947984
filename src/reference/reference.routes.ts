import { Type } from 'typebox';
import { AppError } from '../platform/errors.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { PageOf, PageQuery } from '../platform/paging.js';
import { DatasetParam, DatasetSummary, ImportQuery, ImportResult, NamedQueryInput, NamedQueryView } from './reference.schema.js';
import type { ReferenceService } from './reference.service.js';

const DATA = '/api/v1/management/reference-data';
const QUERIES = '/api/v1/management/named-queries';
const TAG = ['參考資料管理'];
const WRITERS = ['ADMIN', 'MANAGER'] as const;
const security = [{ basicAuth: [] }];
const NameParam = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });

export function registerReferenceRoutes(app: App, reference: ReferenceService, options: { csvLimitBytes: number }): void {
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: options.csvLimitBytes }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    `${DATA}/:dataset`,
    {
      config: { auth: WRITERS },
      bodyLimit: options.csvLimitBytes,
      schema: {
        tags: TAG,
        summary: 'Import reference data (CSV) 匯入參考資料 (CSV)',
        description:
          'Content-Type: text/csv，第一行為欄位名稱。`customer-blacklist` (customer_id, reason, listed_at, source) 與 `product-holdings` ' +
          '(customer_id, product_type, product_id, opened_at, status) 寫入專屬資料表；其他名稱為以 keyColumn 為鍵的通用資料集。' +
          '任何一行有誤即整批不匯入，errors 列出行號。',
        security,
        consumes: ['text/csv'],
        params: DatasetParam,
        querystring: ImportQuery,
        body: Type.String({ description: 'CSV text with a header row' }),
        response: { 200: EnvelopeOf(ImportResult), ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      if (typeof request.body !== 'string')
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { zh: '請使用 Content-Type: text/csv', en: 'Send the file as Content-Type: text/csv' });
      const result = await reference.importCsv(
        request.params.dataset,
        request.body,
        { mode: request.query.mode, keyColumn: request.query.keyColumn },
        { actor: request.principal, requestId: request.id },
      );
      return ok(request, result, { zh: `已匯入 ${result.imported} 筆`, en: `${result.imported} rows imported` });
    },
  );

  app.get(
    DATA,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'List reference datasets 列出參考資料集',
        security,
        response: { 200: EnvelopeOf(Type.Array(DatasetSummary)), ...errorResponses(401, 403) },
      },
    },
    async (request) => ok(request, await reference.datasets(), { zh: '查詢成功', en: 'OK' }),
  );

  app.get(
    `${DATA}/:dataset`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Rows of a reference dataset 查詢參考資料集內容',
        security,
        params: DatasetParam,
        querystring: Type.Object(PageQuery),
        response: { 200: EnvelopeOf(PageOf(Type.Record(Type.String(), Type.Unknown()))), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ok(request, await reference.rows(request.params.dataset, request.query.page, request.query.size), { zh: '查詢成功', en: 'OK' }),
  );

  app.delete(
    `${DATA}/:dataset`,
    {
      config: { auth: ['ADMIN'] },
      schema: {
        tags: TAG,
        summary: 'Delete a reference dataset (ADMIN only) 刪除參考資料集 (僅 ADMIN)',
        security,
        params: DatasetParam,
        response: { 200: EnvelopeOf(Type.Object({ dataset: Type.String(), removed: Type.Integer() })), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const removed = await reference.deleteDataset(request.params.dataset, { actor: request.principal, requestId: request.id });
      return ok(request, { dataset: request.params.dataset, removed }, { zh: `已刪除 ${removed} 筆`, en: `${removed} rows deleted` });
    },
  );

  app.get(
    QUERIES,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'List named queries (built-in and own) 列出具名查詢 (內建與自訂)',
        security,
        response: { 200: EnvelopeOf(Type.Array(NamedQueryView)), ...errorResponses(401, 403) },
      },
    },
    async (request) => ok(request, await reference.listQueries(), { zh: '查詢成功', en: 'OK' }),
  );

  app.get(
    `${QUERIES}/:name`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Get a named query 取得具名查詢',
        security,
        params: NameParam,
        response: { 200: EnvelopeOf(NamedQueryView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await reference.getQuery(request.params.name), { zh: '查詢成功', en: 'OK' }),
  );

  app.post(
    QUERIES,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Create a named query 建立具名查詢',
        description: '只能宣告來源資料表、模式 (EXISTS/LIST/COUNT/FIRST)、參數與固定條件；不接受 SQL。',
        security,
        body: NamedQueryInput,
        response: { 201: EnvelopeOf(NamedQueryView), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        ok(request, await reference.createQuery(request.body, { actor: request.principal, requestId: request.id }), {
          zh: '具名查詢已建立',
          en: 'Named query created',
        }),
      ),
  );

  app.put(
    `${QUERIES}/:name`,
    {
      config: { auth: WRITERS },
      schema: {
        tags: TAG,
        summary: 'Update a named query (built-in ones are read-only) 更新具名查詢 (內建查詢不可修改)',
        security,
        params: NameParam,
        body: NamedQueryInput,
        response: { 200: EnvelopeOf(NamedQueryView), ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      ok(request, await reference.updateQuery(request.params.name, request.body, { actor: request.principal, requestId: request.id }), {
        zh: '具名查詢已更新',
        en: 'Named query updated',
      }),
  );

  app.delete(
    `${QUERIES}/:name`,
    {
      config: { auth: ['ADMIN'] },
      schema: {
        tags: TAG,
        summary: 'Delete a named query (soft delete, ADMIN only; not built-in ones) 刪除具名查詢 (軟刪除，僅 ADMIN；內建查詢不可刪除)',
        security,
        params: NameParam,
        response: { 200: EnvelopeOf(Type.Object({ name: Type.String(), deleted: Type.Boolean() })), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      await reference.removeQuery(request.params.name, { actor: request.principal, requestId: request.id });
      return ok(request, { name: request.params.name, deleted: true }, { zh: '具名查詢已刪除', en: 'Named query deleted' });
    },
  );
}
