import type { ManagedColumns } from '../platform/db/tables.js';

export interface CustomerBlacklistTable {
  id: string;
  customer_id: string;
  reason: string | null;
  listed_at: string;
  source: string | null;
}

export interface ProductHoldingTable {
  id: string;
  customer_id: string;
  /** CREDIT_CARD, INVESTMENT, INSURANCE, MORTGAGE, … */
  product_type: string;
  product_id: string | null;
  opened_at: string | null;
  /** ACTIVE or CLOSED. */
  status: string;
}

/** Rows of admin-imported datasets (CSV), one JSON document per key. */
export interface ReferenceRowTable {
  dataset: string;
  row_key: string;
  data: unknown;
  imported_at: string;
}

/** Custom named queries (the built-ins live in code). */
export interface NamedQueryTable extends ManagedColumns {
  id: string;
  name: string;
  source: string;
  mode: string;
  /** JSON array of parameter names the caller must pass. */
  parameters: unknown;
  /** JSON object of fixed equality filters. */
  filters: unknown;
  description: string | null;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    customer_blacklist: CustomerBlacklistTable;
    product_holdings: ProductHoldingTable;
    reference_rows: ReferenceRowTable;
    named_queries: NamedQueryTable;
  }
}
