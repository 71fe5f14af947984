import type { Kysely } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import type { HistoryItem } from './evaluation.schema.js';
import { listHistory, type HistoryFilter } from './history.repository.js';

export { HISTORY_SORT_PROPERTIES, type HistoryFilter } from './history.repository.js';

/** A customer's promotion history (what `GET /api/v1/promotions/history` reads). */
export interface HistoryService {
  list(filter: HistoryFilter): Promise<{ rows: HistoryItem[]; total: number }>;
}

export function createHistoryService(db: Kysely<Tables>): HistoryService {
  return { list: (filter) => listHistory(db, filter) };
}
