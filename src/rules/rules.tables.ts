import type { ColumnType } from 'kysely';

export interface PromotionRuleTable {
  id: string;
  name: string;
  rule_type: string;
  rule_content: string;
  parameters: unknown;
  description: string | null;
  status: string;
  created_by: string | null;
  updated_by: string | null;
  deleted_at: string | null;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    promotion_rules: PromotionRuleTable;
  }
}
