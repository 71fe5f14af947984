export interface PromotionHistoryTable {
  id: string;
  customer_id: string;
  promotion_id: string;
  promotion_result: unknown;
  executed_at: string;
  request_id: string | null;
  tree_id: string | null;
  tree_version: number | null;
  eligible: number;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    promotion_history: PromotionHistoryTable;
  }
}
