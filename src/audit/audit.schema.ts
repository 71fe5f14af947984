import { Type } from 'typebox';
import { IsoDate } from '../platform/http/schemas.js';
import { PageQuery } from '../platform/paging.js';

const Json = Type.Unknown();
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Range = {
  startDate: Type.Optional(IsoDate('開始時間')),
  endDate: Type.Optional(IsoDate('結束時間')),
};

export const TrailsQuery = Type.Object({
  requestId: Type.Optional(Type.String({ minLength: 1, maxLength: 36, description: '請求ID' })),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '客戶ID' })),
  ...Range,
  operationType: Type.Optional(
    Type.String({ minLength: 1, maxLength: 50, description: '操作類型 (PROMOTION_EVALUATION, DECISION_TREE_CREATE, LOGIN_FAILED …)' }),
  ),
  status: Type.Optional(Type.Union([Type.Literal('SUCCESS'), Type.Literal('FAILED'), Type.Literal('PENDING')], { description: '執行狀態' })),
  ...PageQuery,
});

export const DecisionsQuery = Type.Object({
  requestId: Type.String({ minLength: 1, maxLength: 36, description: '請求ID (必填)' }),
  treeId: Type.Optional(Type.String({ minLength: 1, maxLength: 36, description: '決策樹ID' })),
  nodeType: Type.Optional(Type.Union([Type.Literal('CONDITION'), Type.Literal('CALCULATION')], { description: '節點類型' })),
  ...PageQuery,
});

export const CallsQuery = Type.Object({
  requestId: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  ...Range,
  endpoint: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '外部系統端點' })),
  status: Type.Optional(
    Type.Union(
      ['SUCCESS', 'FAILED', 'TIMEOUT', 'CIRCUIT_OPEN', 'CACHED'].map((s) => Type.Literal(s)),
      { description: '呼叫狀態' },
    ),
  ),
  ...PageQuery,
});

export const QueriesQuery = Type.Object({
  requestId: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  ...Range,
  queryType: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '查詢類型' })),
  ...PageQuery,
});

export const ReportQuery = Type.Object({
  startDate: IsoDate('報告開始時間 (必填)'),
  endDate: IsoDate('報告結束時間 (必填)'),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  reportType: Type.Union([Type.Literal('SUMMARY'), Type.Literal('DETAILED')], { default: 'SUMMARY' }),
  format: Type.Union([Type.Literal('JSON'), Type.Literal('CSV')], { default: 'JSON' }),
});

export const VerifyQuery = Type.Object({ ...Range });

export const ReplayParams = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 36 }) });
export const ReplayQuery = Type.Object({
  against: Type.Optional(Type.Union([Type.Literal('recorded'), Type.Literal('latest')], { description: 'latest: 以目前啟用中的決策樹重新評估' })),
});

export const TrailItem = Type.Object({
  id: Type.String(),
  requestId: Type.String(),
  customerId: Type.String(),
  operationType: Type.String(),
  operationDetails: Json,
  executionTimeMs: Nullable(Type.Integer()),
  status: Type.String(),
  errorMessage: Nullable(Type.String()),
  treeId: Nullable(Type.String()),
  treeVersion: Nullable(Type.Integer()),
  outcome: Json,
  actor: Nullable(Type.String()),
  seq: Type.Integer(),
  prevHash: Type.String(),
  hash: Type.String(),
  createdAt: Type.String(),
});

export const StepItem = Type.Object({
  id: Type.String(),
  requestId: Type.String(),
  treeId: Type.String(),
  nodeId: Type.String(),
  stepOrder: Type.Integer(),
  nodeType: Type.String(),
  commandType: Type.String(),
  inputData: Json,
  outputData: Json,
  executionTimeMs: Nullable(Type.Integer()),
  status: Type.String(),
  errorDetails: Nullable(Type.String()),
  createdAt: Type.String(),
});

const CallCommon = {
  id: Type.String(),
  requestId: Type.String(),
  customerId: Type.String(),
  treeId: Type.String(),
  nodeId: Type.String(),
  latencyMs: Type.Integer(),
  status: Type.String(),
  errorMessage: Nullable(Type.String()),
  startedAt: Type.String(),
  createdAt: Type.String(),
};

export const CallItem = Type.Object({
  ...CallCommon,
  system: Type.String(),
  endpoint: Type.String(),
  method: Type.String(),
  requestPayload: Json,
  responsePayload: Json,
  responseStatus: Nullable(Type.Integer()),
  attempts: Type.Integer(),
});

export const QueryItem = Type.Object({
  ...CallCommon,
  queryName: Type.String(),
  queryType: Type.String(),
  parameters: Json,
  rowCount: Type.Integer(),
  result: Json,
});

export const VerifyResult = Type.Object({
  verified: Type.Boolean(),
  checked: Type.Integer(),
  firstBrokenLink: Nullable(
    Type.Object({
      id: Type.String(),
      requestId: Type.String(),
      createdAt: Type.String(),
      seq: Type.Integer(),
      expectedHash: Type.String(),
      actualHash: Type.String(),
      reason: Type.Optional(Type.String({ description: '只在無法重新計算時出現，例如 unknown hash scheme version 9 (expectedHash 為空)' })),
    }),
  ),
});

const ReplaySide = Type.Object({
  result: Type.Unknown({ description: 'The PromotionResult answered (or replayed)' }),
  // Immutable: replay.ts's arrays are readonly.
  trees: Type.Immutable(
    Type.Array(
      Type.Object({
        treeId: Type.String(),
        version: Type.Integer(),
        path: Type.Immutable(Type.Array(Type.String())),
        eligible: Type.Boolean(),
        promotionId: Nullable(Type.String()),
        error: Nullable(Type.String()),
      }),
    ),
  ),
  error: Nullable(Type.String()),
});

/** replay.ts's ReplayReport. */
export const ReplayReportSchema = Type.Object({
  requestId: Type.String(),
  against: Type.Union([Type.Literal('recorded'), Type.Literal('latest')]),
  evaluatedAt: Type.String(),
  identical: Type.Boolean(),
  original: ReplaySide,
  replayed: ReplaySide,
  differences: Type.Array(Type.Object({ field: Type.String(), original: Type.Unknown(), replayed: Type.Unknown() })),
});
