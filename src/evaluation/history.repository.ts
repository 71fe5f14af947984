import type { Insertable, Kysely, Transaction } from 'kysely';
import { recordset } from '../platform/db/recordset.js';
import type { PromotionResult } from '../engine/types.js';
import type { Tables } from '../platform/db/tables.js';
import type { SortOrder } from '../platform/paging.js';
import { fromDbTimestamp, fromJson } from '../platform/db/sql.js';
import type { HistoryItem } from './evaluation.schema.js';
import type { PromotionHistoryTable } from './evaluation.tables.js';

/**
 * promotion_history is the evaluation's history of offers (seed 002): this module owns it (its
 * migration, its rows: `historyRow`, its SQL here). The audit writer commits history rows in the
 * same batch as the audit records, through `insertHistoryRows` / `HISTORY_RECORDSET`.
 */
export type HistoryRow = Insertable<PromotionHistoryTable>;

export async function insertHistoryRows(db: Kysely<Tables> | Transaction<Tables>, rows: readonly HistoryRow[]): Promise<void> {
  if (rows.length > 0) await historyInsert(db, rows).execute();
}

/** The INSERT of history rows, for a writer composing it with its own (one statement on PostgreSQL). */
export function historyInsert(db: Kysely<Tables> | Transaction<Tables>, rows: readonly HistoryRow[]) {
  return db.insertInto('promotion_history').values([...rows]);
}

/** promotion_history as a json_to_recordset insert (platform/db/recordset.ts), for PostgreSQL batch writers. */
export const HISTORY_RECORDSET = recordset('promotion_history', [
  ['id', 'varchar'],
  ['customer_id', 'varchar'],
  ['promotion_id', 'varchar'],
  ['promotion_result', 'jsonb', true],
  ['executed_at', 'timestamp'],
  ['request_id', 'varchar'],
  ['tree_id', 'varchar'],
  ['tree_version', 'int4'],
  ['eligible', 'int4'],
]);

export interface HistoryFilter {
  readonly customerId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly page: number;
  readonly size: number;
  readonly sort?: readonly SortOrder[];
}

/** API property → column, for `sort=`. */
const HISTORY_SORT = { id: 'id', customerId: 'customer_id', promotionId: 'promotion_id', executedAt: 'executed_at' } as const;
export const HISTORY_SORT_PROPERTIES = Object.keys(HISTORY_SORT);

export async function listHistory(db: Kysely<Tables>, filter: HistoryFilter): Promise<{ rows: HistoryItem[]; total: number }> {
  let query = db.selectFrom('promotion_history');
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.from) query = query.where('executed_at', '>=', filter.from);
  if (filter.to) query = query.where('executed_at', '<=', filter.to);
  let select = query.selectAll();
  for (const order of filter.sort ?? [])
    select = select.orderBy(HISTORY_SORT[order.property as keyof typeof HISTORY_SORT], order.direction === 'DESC' ? 'desc' : 'asc');
  const [rows, count] = await Promise.all([
    select
      .orderBy('executed_at', 'desc')
      .orderBy('id')
      .limit(filter.size)
      .offset(filter.page * filter.size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      promotionId: r.promotion_id,
      promotionResult: fromJson<PromotionResult>(r.promotion_result) as HistoryItem['promotionResult'],
      executedAt: fromDbTimestamp(r.executed_at) ?? '',
      requestId: r.request_id,
      treeId: r.tree_id,
      treeVersion: r.tree_version,
    })),
    total: Number(count.n),
  };
}
