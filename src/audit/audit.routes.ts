import { pipeline, Readable } from 'node:stream';
import { Type } from 'typebox';
import { apiDateToDb } from '../platform/db/sql.js';
import { AppError } from '../platform/errors.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { pageOf, PageOf } from '../platform/paging.js';
import {
  CallItem,
  CallsQuery,
  DecisionsQuery,
  QueriesQuery,
  QueryItem,
  ReplayParams,
  ReplayQuery,
  ReplayReportSchema,
  ReportQuery,
  StepItem,
  TrailItem,
  TrailsQuery,
  VerifyQuery,
  VerifyResult,
} from './audit.schema.js';
import { csvWriter } from '../platform/csv.js';
import type { AuditQueries } from './queries.service.js';
import { DETAILED_COLUMNS, summaryCsv, type ReportFilter } from './report.js';

const TAG = ['稽核追蹤'];
const AUDITORS = ['ADMIN', 'AUDITOR'] as const;
const SECURITY = [{ basicAuth: [] }];
const ERRORS = errorResponses(400, 401, 403);

/** startDate/endDate → database timestamps; a bare endDate means the end of that day. */
function range(startDate: string | undefined, endDate: string | undefined): { from?: string; to?: string } {
  const from = startDate ? apiDateToDb(startDate) : undefined;
  const to = endDate ? apiDateToDb(endDate, true) : undefined;
  if (from === null || to === null) throw new AppError('INVALID_REQUEST', { zh: '日期格式錯誤 (ISO 8601)', en: 'Invalid date (ISO 8601 expected)' });
  if (from && to && from > to) throw new AppError('INVALID_REQUEST', { zh: '開始日期不能晚於結束日期', en: 'startDate must not be after endDate' });
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

const found = (total: number) => ({ zh: `共 ${total} 筆`, en: `${total} records` });

export function registerAuditRoutes(app: App, audit: AuditQueries): void {
  const config = { auth: AUDITORS };

  app.get(
    '/api/v1/audit/trails',
    {
      config,
      schema: {
        tags: TAG,
        summary: 'Audit trail records 查詢稽核軌跡記錄',
        security: SECURITY,
        querystring: TrailsQuery,
        response: { 200: EnvelopeOf(PageOf(TrailItem)), ...ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      const { rows, total } = await audit.trails({ ...q, ...range(q.startDate, q.endDate) });
      return ok(request, pageOf(rows, q.page, q.size, total), found(total));
    },
  );

  app.get(
    '/api/v1/audit/decisions',
    {
      config,
      schema: {
        tags: TAG,
        summary: 'Decision steps of an evaluation 查詢決策步驟追蹤',
        security: SECURITY,
        querystring: DecisionsQuery,
        response: { 200: EnvelopeOf(PageOf(StepItem)), ...ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      const { rows, total } = await audit.steps(q);
      return ok(request, pageOf(rows, q.page, q.size, total), found(total));
    },
  );

  app.get(
    '/api/v1/audit/external-calls',
    {
      config,
      schema: {
        tags: TAG,
        summary: 'External system calls 查詢外部系統呼叫記錄',
        security: SECURITY,
        querystring: CallsQuery,
        response: { 200: EnvelopeOf(PageOf(CallItem)), ...ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      const { rows, total } = await audit.calls({ ...q, ...range(q.startDate, q.endDate) });
      return ok(request, pageOf(rows, q.page, q.size, total), found(total));
    },
  );

  app.get(
    '/api/v1/audit/database-queries',
    {
      config,
      schema: {
        tags: TAG,
        summary: 'Database look-ups 查詢資料庫操作記錄',
        security: SECURITY,
        querystring: QueriesQuery,
        response: { 200: EnvelopeOf(PageOf(QueryItem)), ...ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      const { rows, total } = await audit.queries({ ...q, ...range(q.startDate, q.endDate) });
      return ok(request, pageOf(rows, q.page, q.size, total), found(total));
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config,
      schema: {
        tags: TAG,
        summary: 'Verify the audit hash chain 驗證稽核軌跡雜湊鏈',
        description: '重新計算 audit_trails 的雜湊鏈 (hash = sha256(prev_hash + 內容))，回報第一個斷裂處 (被修改或刪除的紀錄)。',
        security: SECURITY,
        querystring: VerifyQuery,
        response: { 200: EnvelopeOf(VerifyResult), ...ERRORS },
      },
    },
    async (request) => {
      const report = await audit.verify(range(request.query.startDate, request.query.endDate));
      return ok(
        request,
        report,
        report.verified
          ? { zh: `雜湊鏈完整 (${report.checked} 筆)`, en: `Chain intact (${report.checked} records)` }
          : { zh: '雜湊鏈斷裂：稽核紀錄遭修改或刪除', en: 'Chain broken: an audit record was altered or removed' },
      );
    },
  );

  app.get(
    '/api/v1/audit/compliance-report',
    {
      config,
      schema: {
        tags: TAG,
        summary: 'Compliance report 生成合規性報告',
        description:
          'SUMMARY: 依結果、決策樹、優惠、客戶分群 (accountType)、失敗、外部呼叫失敗統計，及延遲 p50/p95/max。DETAILED: 每次評估一列 (路徑與優惠)，以串流輸出 (JSON 信封或 CSV 附件)，大量資料亦以固定記憶體匯出。',
        security: SECURITY,
        querystring: ReportQuery,
        response: {
          200: {
            description: 'The report: JSON envelope (format=JSON) or a CSV attachment (format=CSV) 合規性報告',
            content: {
              // Any object: SUMMARY's report, or DETAILED's streamed rows (the stream bypasses serialisation).
              'application/json': {
                schema: EnvelopeOf(Type.Unsafe<unknown>({ type: 'object', additionalProperties: true, description: 'SUMMARY report or DETAILED rows' })),
              },
              // Sent as a string or streamed (Readable); JSON rows are streamed too.
              'text/csv': { schema: Type.Unsafe<string | Readable>({ type: 'string', description: 'UTF-8 CSV with a BOM' }) },
            },
          },
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { from, to } = range(q.startDate, q.endDate);
      if (!from || !to) throw new AppError('INVALID_REQUEST', { zh: 'startDate 與 endDate 為必填', en: 'startDate and endDate are required' });
      const filter: ReportFilter = { from, to, customerId: q.customerId };
      const name = `compliance-${q.reportType.toLowerCase()}-${q.startDate.slice(0, 10)}-${q.endDate.slice(0, 10)}`;
      if (q.reportType === 'SUMMARY') {
        const report = await audit.summary(filter);
        if (q.format === 'JSON') return ok(request, report, { zh: '合規性報告', en: 'Compliance report' });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(summaryCsv(report));
      }
      const rows = audit.detailed(filter);
      if (q.format === 'CSV') {
        async function* records() {
          yield DETAILED_COLUMNS;
          for await (const row of rows) yield DETAILED_COLUMNS.map((c) => row[c]);
        }
        // Rows stream through the writer with backpressure; a failure mid-export destroys the reply stream (Fastify logs it).
        const csv = pipeline(Readable.from(records()), csvWriter({ bom: true }), () => undefined);
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(csv);
      }
      const head = { success: true, message: request.locale === 'en' ? 'Compliance report' : '合規性報告', errorCode: null, requestId: request.id };
      async function* json() {
        yield `{"success":true,"data":{"reportType":"DETAILED","startDate":${JSON.stringify(q.startDate)},"endDate":${JSON.stringify(q.endDate)},"customerId":${JSON.stringify(q.customerId ?? null)},"rows":[`;
        let first = true;
        for await (const row of rows) {
          yield `${first ? '' : ','}${JSON.stringify(row)}`;
          first = false;
        }
        yield `]},"message":${JSON.stringify(head.message)},"errorCode":null,"timestamp":${JSON.stringify(new Date().toISOString().slice(0, 19))},"requestId":${JSON.stringify(head.requestId)}}`;
      }
      return reply.header('content-type', 'application/json; charset=utf-8').send(Readable.from(json()));
    },
  );

  app.post(
    '/api/v1/audit/replay/:requestId',
    {
      config,
      schema: {
        tags: TAG,
        summary: 'Replay an evaluation 重播評估',
        description:
          '以原始的決策樹版本、輸入、時間與外部系統回應 (取自決策步驟紀錄，不呼叫外部系統) 重新評估並比較；`?against=latest` 改以目前啟用中的決策樹評估，顯示差異。',
        security: SECURITY,
        params: ReplayParams,
        querystring: ReplayQuery,
        response: { 200: EnvelopeOf(ReplayReportSchema), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const report = await audit.replay(request.params.requestId, request.query.against ?? 'recorded');
      return ok(
        request,
        report,
        report.identical
          ? { zh: '重播結果一致', en: 'Replay identical' }
          : { zh: `重播結果有 ${report.differences.length} 項差異`, en: `Replay differs in ${report.differences.length} fields` },
      );
    },
  );
}
