import { Type, type Static } from 'typebox';
import { CUST001 } from './examples.js';
import { IsoDate, Nullable } from '../platform/http/schemas.js';
import { PageQuery, SortQuery } from '../platform/paging.js';
import { HISTORY_SORT_PROPERTIES } from './history.repository.js';

const money = (description: string) => Type.Number({ minimum: -1e15, maximum: 1e15, description });

export const EvaluateBody = Type.Object(
  {
    customerId: Type.String({ minLength: 1, maxLength: 50, description: '客戶ID' }),
    // The document's CustomerPayload has boxed Java fields: null is a value (not coerced to "" or 0).
    accountType: Type.Optional(Nullable(Type.String({ maxLength: 50, description: '帳戶類型 (VIP / 白金 / 一般)' }))),
    annualIncome: Type.Optional(Nullable(money('年收入'))),
    creditScore: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1000, description: '信用評分' }))),
    region: Type.Optional(Nullable(Type.String({ maxLength: 50, description: '地區' }))),
    transactionCount: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000_000, description: '交易次數' }))),
    accountBalance: Type.Optional(Nullable(money('帳戶餘額'))),
    transactionHistory: Type.Optional(Nullable(Type.Array(Type.Record(Type.String(), Type.Any()), { maxItems: 10_000, description: '交易紀錄' }))),
    treeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '指定決策樹 (省略時評估所有啟用中的決策樹)' })),
  },
  {
    additionalProperties: true,
    examples: [CUST001],
  },
);
export type EvaluateBody = Static<typeof EvaluateBody>;

/**
 * Fields beyond the document's CustomerPayload reach the trees as customer attributes (the
 * extension map), but together they may take at most this many bytes of JSON: an anonymous
 * caller cannot have 900 KB of arbitrary data stored for seven years (docs/bank-api.md).
 */
export const MAX_EXTENSION_BYTES = 8192;
const DOCUMENTED = new Set(Object.keys(EvaluateBody.properties));

/** The extension fields of an evaluate body and their JSON size in bytes. */
export function extensionsOf(body: Readonly<Record<string, unknown>>): { names: string[]; bytes: number } {
  const names = Object.keys(body).filter((k) => !DOCUMENTED.has(k));
  if (names.length === 0) return { names, bytes: 0 };
  return { names, bytes: Buffer.byteLength(JSON.stringify(Object.fromEntries(names.map((n) => [n, body[n]]))), 'utf8') };
}

export const PromotionResultSchema = Type.Object(
  {
    promotionId: Nullable(Type.String()),
    promotionName: Nullable(Type.String()),
    promotionType: Nullable(Type.String()),
    discountAmount: Nullable(Type.Number()),
    discountPercentage: Nullable(Type.Number()),
    description: Nullable(Type.String()),
    validUntil: Nullable(Type.String()),
    additionalDetails: Type.Record(Type.String(), Type.Any()),
    eligible: Type.Boolean(),
  },
  {
    examples: [
      {
        promotionId: 'promo-vip-001',
        promotionName: 'VIP專屬優惠',
        promotionType: 'VIP',
        discountAmount: 5000,
        discountPercentage: 10.0,
        description: 'VIP客戶專屬高額優惠',
        validUntil: '2026-02-06T19:50:55',
        additionalDetails: { tier: 'VIP', category: 'premium' },
        eligible: true,
      },
    ],
  },
);

export const HistoryQuery = Type.Object({
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  startDate: Type.Optional(IsoDate('開始日期')),
  endDate: Type.Optional(IsoDate('結束日期')),
  ...PageQuery,
  ...SortQuery(HISTORY_SORT_PROPERTIES),
});

export const HistoryItem = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  promotionId: Type.String(),
  promotionResult: PromotionResultSchema,
  executedAt: Type.String(),
  requestId: Nullable(Type.String()),
  treeId: Nullable(Type.String()),
  treeVersion: Nullable(Type.Integer()),
});
export type HistoryItem = Static<typeof HistoryItem>;

export const AvailableQuery = Type.Object({
  accountType: Type.Optional(Type.String({ maxLength: 50 })),
  region: Type.Optional(Type.String({ maxLength: 50 })),
  active: Type.Boolean({ default: true, description: '只顯示啟用中決策樹的優惠' }),
});

export const AvailableOffer = Type.Object({
  promotionId: Nullable(Type.String()),
  promotionName: Nullable(Type.String()),
  promotionType: Nullable(Type.String()),
  strategyType: Type.String(),
  discountAmount: Nullable(Type.Number()),
  discountPercentage: Nullable(Type.Number()),
  description: Nullable(Type.String()),
  treeId: Type.String(),
  treeName: Type.String(),
  treeVersion: Type.Integer(),
  treeStatus: Type.String(),
  nodeId: Type.String(),
  conditions: Type.Array(Type.String()),
});
export type AvailableOffer = Static<typeof AvailableOffer>;
