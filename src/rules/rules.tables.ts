import type { ManagedColumns } from '../platform/db/tables.js';

export interface PromotionRuleTable extends ManagedColumns {
  id: string;
  name: string;
  rule_type: string;
  rule_content: string;
  parameters: unknown;
  description: string | null;
  status: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    promotion_rules: PromotionRuleTable;
  }
}
