import { Type } from 'typebox';
import { AppError } from '../platform/errors.js';
import { httpStatus } from '../platform/http/errors.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { apiDateToDb } from '../platform/db/sql.js';
import { pageOf, PageOf, parseSort } from '../platform/paging.js';
import type { TreesService } from '../trees/index.js';
import { offersOf } from './available.js';
import {
  AvailableOffer,
  AvailableQuery,
  EvaluateBody,
  extensionsOf,
  HistoryItem,
  HistoryQuery,
  MAX_EXTENSION_BYTES,
  PromotionResultSchema,
} from './evaluation.schema.js';
import { EvaluationFailedError, type EvaluationOutcome, type EvaluationService } from './evaluation.service.js';
import { HISTORY_SORT_PROPERTIES, type HistoryService } from './history.service.js';
import type { EvaluationRecorder } from './recorder.js';

const TAG = ['優惠評估'];
const MESSAGES = {
  eligible: { zh: '優惠評估完成', en: 'Promotion evaluated' },
  none: { zh: '優惠評估完成，無符合資格的優惠', en: 'Promotion evaluated: no eligible offer' },
} as const;
const DRY_RUN_MESSAGES = {
  eligible: { zh: `${MESSAGES.eligible.zh}（試算模式，未寫入任何紀錄）`, en: `${MESSAGES.eligible.en} (dry run: nothing recorded)` },
  none: { zh: `${MESSAGES.none.zh}（試算模式，未寫入任何紀錄）`, en: `${MESSAGES.none.en} (dry run: nothing recorded)` },
} as const;
const EVALUATE = '/api/v1/promotions/evaluate';

export interface EvaluationRouteDeps {
  readonly evaluation: EvaluationService;
  readonly recorder: EvaluationRecorder;
  readonly trees: TreesService;
  readonly history: HistoryService;
  /** The evaluate body limit (EVALUATE_BODY_LIMIT_BYTES, 256 KB): a customer payload needs no more. */
  readonly bodyLimitBytes?: number;
}

export function registerEvaluationRoutes(app: App, deps: EvaluationRouteDeps): void {
  app.post(
    EVALUATE,
    {
      ...(deps.bodyLimitBytes === undefined ? {} : { bodyLimit: deps.bodyLimitBytes }),
      config: { auth: 'public' },
      schema: {
        tags: TAG,
        summary: 'Evaluate a customer’s promotions 評估客戶優惠資格',
        description:
          '依決策樹評估客戶可得的優惠。指定 treeId 時只評估該樹 (不存在或未啟用回傳 404)；省略時評估所有啟用中的決策樹，回傳最佳優惠 ' +
          '(優先序最高者；同優先序取折扣金額較高者)，其餘符合資格的優惠列於 additionalDetails.otherEligibleOffers。' +
          '`?dryRun=true` 只試算，不寫入歷史與稽核紀錄。回應送出前，其紀錄已提交至資料庫。',
        querystring: Type.Object({ dryRun: Type.Boolean({ default: false }) }),
        body: EvaluateBody,
        response: { 200: EnvelopeOf(PromotionResultSchema), ...errorResponses(400, 404, 413, 500) },
      },
    },
    async (request, reply) => {
      const startedAt = new Date();
      const extensions = extensionsOf(request.body);
      if (extensions.bytes > MAX_EXTENSION_BYTES) {
        const names = extensions.names
          .slice(0, 10)
          .map((n) => n.slice(0, 50))
          .join(', ');
        throw new AppError(
          'INVALID_REQUEST',
          {
            zh: `額外欄位過大 (${extensions.bytes} 位元組，上限 ${MAX_EXTENSION_BYTES}): ${names}`,
            en: `Extension fields too large (${extensions.bytes} bytes, at most ${MAX_EXTENSION_BYTES}): ${names}`,
          },
          {
            errors: [
              {
                field: extensions.names[0]?.slice(0, 50) ?? 'body',
                code: 'EXTENSIONS_TOO_LARGE',
                message: `fields beyond the documented CustomerPayload may take at most ${MAX_EXTENSION_BYTES} bytes of JSON together`,
              },
            ],
          },
        );
      }
      const { treeId, ...customer } = request.body;
      const dryRun = request.query.dryRun;
      let outcome: EvaluationOutcome;
      try {
        outcome = await deps.evaluation.evaluate({ customer, treeId, requestId: request.id, now: startedAt, recordSteps: !dryRun });
      } catch (error) {
        if (!dryRun && error instanceof AppError) {
          await deps.recorder.record({
            requestId: request.id,
            customerId: customer.customerId,
            startedAt,
            finishedAt: new Date(),
            request: requestInfo(request),
            response: { status: httpStatus(error.code), body: { errorCode: error.code, message: error.message } },
            outcome: error instanceof EvaluationFailedError ? error.outcome : null,
            error: { code: error.code, message: error.message },
          });
        }
        throw error;
      }
      const messages = dryRun ? DRY_RUN_MESSAGES : MESSAGES;
      const message = outcome.result.eligible ? messages.eligible : messages.none;
      const body = dryRun ? { ...ok(request, outcome.result, message, startedAt), dryRun: true } : ok(request, outcome.result, message, startedAt);
      if (!dryRun) {
        await deps.recorder.record({
          requestId: request.id,
          customerId: customer.customerId,
          startedAt,
          finishedAt: new Date(),
          request: requestInfo(request),
          response: { status: 200, body },
          outcome,
          error: null,
        });
      }
      return reply.send(body);
    },
  );

  app.get(
    '/api/v1/promotions/history',
    {
      config: { auth: 'authenticated' },
      schema: {
        tags: TAG,
        summary: 'A customer’s promotion history 查詢客戶優惠歷史記錄',
        security: [{ basicAuth: [] }],
        querystring: HistoryQuery,
        response: { 200: EnvelopeOf(PageOf(HistoryItem)), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { customerId, startDate, endDate, page, size } = request.query;
      const sort = parseSort(request.query.sort, HISTORY_SORT_PROPERTIES, 'PromotionHistory');
      const from = startDate ? apiDateToDb(startDate) : undefined;
      const to = endDate ? apiDateToDb(endDate, true) : undefined;
      if (from === null || to === null) throw new AppError('INVALID_REQUEST', { zh: '日期格式錯誤 (ISO 8601)', en: 'Invalid date (ISO 8601 expected)' });
      if (from && to && from > to) throw new AppError('INVALID_REQUEST', { zh: '開始日期不能晚於結束日期', en: 'startDate must not be after endDate' });
      const { rows, total } = await deps.history.list({
        ...(customerId ? { customerId } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        page,
        size,
        sort,
      });
      return ok(request, pageOf(rows, page, size, total, sort), { zh: '查詢成功', en: 'OK' });
    },
  );

  app.get(
    '/api/v1/promotions/available',
    {
      config: { auth: 'authenticated' },
      schema: {
        tags: TAG,
        summary: 'Offers currently available 查詢目前可用的優惠方案',
        description: '列出決策樹的計算節點 (優惠) 與其路徑條件。accountType / region 以部分評估篩選：只讀取這些欄位的條件會被判定，其他條件保留 (可能適用)。',
        security: [{ basicAuth: [] }],
        querystring: AvailableQuery,
        response: { 200: EnvelopeOf(Type.Array(AvailableOffer)), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { accountType, region, active } = request.query;
      const filter: Record<string, string> = { ...(accountType ? { accountType } : {}), ...(region ? { region } : {}) };
      const list = await deps.trees.list({ ...(active ? { status: 'ACTIVE' } : {}), page: 0, size: 500 });
      const offers: AvailableOffer[] = [];
      for (const summary of list.content) {
        const definition = await deps.trees.definition(summary.id, summary.version);
        if (definition) offers.push(...offersOf({ id: summary.id, name: summary.name, version: summary.version, status: summary.status, definition }, filter));
      }
      return ok(request, offers, { zh: `共 ${offers.length} 項可用優惠`, en: `${offers.length} offers available` });
    },
  );
}

function requestInfo(request: import('fastify').FastifyRequest) {
  return {
    endpoint: EVALUATE,
    method: request.method,
    payload: request.body,
    clientIp: request.ip ?? null,
    userAgent: request.headers['user-agent'] ?? null,
    correlationId: request.correlationId,
  };
}
