import type { ColumnType } from 'kysely';
import type { ManagedColumns } from '../platform/db/tables.js';

export interface DecisionTreeTable extends ManagedColumns {
  id: string;
  name: string;
  description: string | null;
  status: string;
  root_node_id: string | null;
  /** Current version; every update adds one. */
  version: number;
  /** Higher wins when several trees offer something (see evaluation). */
  priority: number;
}

export interface DecisionNodeTable {
  id: string;
  tree_id: string;
  /** The tree version this node belongs to; nodes are immutable once written. */
  version: number;
  node_type: string;
  parent_id: string | null;
  /** The author's nodeId (e.g. `vip-income-check`), unique within a version. */
  node_key: string;
  /** Order among siblings (traversal order). */
  position: number;
  configuration: unknown;
  created_at: ColumnType<string, string, never>;
}

/** Immutable snapshot of each version: what was evaluated is always traceable to it. */
export interface DecisionTreeVersionTable {
  tree_id: string;
  version: number;
  name: string;
  status: string;
  definition: unknown;
  created_by: string | null;
  created_at: ColumnType<string, string, never>;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    decision_trees: DecisionTreeTable;
    decision_nodes: DecisionNodeTable;
    decision_tree_versions: DecisionTreeVersionTable;
  }
}
