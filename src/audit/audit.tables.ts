import type { Generated } from 'kysely';

/** Row types of the audit module's tables (seed 002 § 稽核資料表, plus the call logs and chain head). */
export interface RequestLogsTable {
  id: string;
  request_id: string;
  /** The client's own id (X-Correlation-Id / X-Request-Id header), never unique, may be null. */
  correlation_id: string | null;
  api_endpoint: string;
  http_method: string;
  request_payload: unknown;
  response_payload: unknown;
  response_status: number | null;
  client_ip: string | null;
  user_agent: string | null;
  processing_time_ms: number | null;
  created_at: string;
  completed_at: string | null;
}

export interface AuditTrailsTable {
  id: string;
  request_id: string;
  customer_id: string;
  operation_type: string;
  operation_details: unknown;
  execution_time_ms: number | null;
  status: string;
  error_message: string | null;
  created_at: string;
  tree_id: string | null;
  tree_version: number | null;
  outcome: unknown;
  actor: string | null;
  /** Position in the hash chain (1, 2, 3 … in commit order). */
  seq: number;
  prev_hash: string;
  hash: string;
  /** The hash scheme that computed `hash` (`HASH_SCHEMES` in hash.ts); verify recomputes with it. */
  hash_version: Generated<number>;
}

export interface DecisionStepsTable {
  id: string;
  request_id: string;
  tree_id: string;
  node_id: string;
  step_order: number;
  node_type: string;
  command_type: string;
  input_data: unknown;
  output_data: unknown;
  execution_time_ms: number | null;
  status: string;
  error_details: string | null;
  created_at: string;
}

export interface SystemEventsTable {
  id: string;
  event_type: string;
  event_category: string;
  event_details: unknown;
  severity_level: string;
  source_component: string;
  correlation_id: string | null;
  created_at: string;
}

export interface ExternalCallLogsTable {
  id: string;
  request_id: string;
  customer_id: string;
  tree_id: string;
  node_id: string;
  system: string;
  endpoint: string;
  method: string;
  request_payload: unknown;
  response_payload: unknown;
  response_status: number | null;
  latency_ms: number;
  status: string;
  attempts: number;
  error_message: string | null;
  started_at: string;
  created_at: string;
}

export interface DatabaseQueryLogsTable {
  id: string;
  request_id: string;
  customer_id: string;
  tree_id: string;
  node_id: string;
  query_name: string;
  query_type: string;
  parameters: unknown;
  row_count: number;
  result: unknown;
  latency_ms: number;
  status: string;
  error_message: string | null;
  started_at: string;
  created_at: string;
}

/** One row: the end of the hash chain, locked by each writing transaction. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    request_logs: RequestLogsTable;
    audit_trails: AuditTrailsTable;
    decision_steps: DecisionStepsTable;
    system_events: SystemEventsTable;
    external_call_logs: ExternalCallLogsTable;
    database_query_logs: DatabaseQueryLogsTable;
    audit_chain_head: AuditChainHeadTable;
  }
}

/** The time-series tables: partitioned by month on PostgreSQL, retention-managed everywhere. */
export const AUDIT_LOG_TABLES = ['request_logs', 'audit_trails', 'decision_steps', 'system_events', 'external_call_logs', 'database_query_logs'] as const;
export type AuditLogTable = (typeof AUDIT_LOG_TABLES)[number];

export const GENESIS_HASH = '0'.repeat(64);
