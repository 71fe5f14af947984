import type pg from 'pg';
import { HISTORY_RECORDSET } from '../evaluation/index.js';
import { definition, recordset, selectColumn, wireRow, type Column, type Recordset } from '../platform/db/recordset.js';
import { HASH_VERSION } from './hash.js';
import type { AuditEntry } from './writer.js';

/**
 * PostgreSQL batch inserts as constant-text NAMED prepared statements, one parameter per table
 * (json_to_recordset: platform/db/recordset.ts):
 *
 *   with w0 as (insert into request_logs (…) select x.id, … from json_to_recordset($1::json) as x(…)), …
 *
 * Embedding the JSON columns as they are avoids double encoding (that was ~10 % of the server's
 * CPU and ~5 % of PostgreSQL's on the durable evaluate path). The SQL text never changes whatever
 * the batch size, so PostgreSQL parses and plans it once per connection (a `{ name, text, values }`
 * query), and the JS side builds no SQL — instead of a Kysely multi-row VALUES statement with
 * thousands of bind parameters compiled in JS and parsed and planned by PostgreSQL for every
 * batch. Empty arrays insert nothing, so one statement serves every mix of tables.
 */

const TABLES = {
  request_logs: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['api_endpoint', 'varchar'],
    ['http_method', 'varchar'],
    ['request_payload', 'json', true],
    ['response_payload', 'json'],
    ['response_status', 'int4'],
    ['client_ip', 'varchar'],
    ['user_agent', 'text'],
    ['processing_time_ms', 'int4'],
    ['created_at', 'timestamp'],
    ['completed_at', 'timestamp'],
    ['correlation_id', 'varchar'],
  ],
  decision_steps: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['tree_id', 'varchar'],
    ['node_id', 'varchar'],
    ['step_order', 'int4'],
    ['node_type', 'varchar'],
    ['command_type', 'varchar'],
    ['input_data', 'json', true],
    ['output_data', 'json'],
    ['execution_time_ms', 'int4'],
    ['status', 'varchar'],
    ['error_details', 'text'],
    ['created_at', 'timestamp'],
  ],
  external_call_logs: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['customer_id', 'varchar'],
    ['tree_id', 'varchar'],
    ['node_id', 'varchar'],
    ['system', 'varchar'],
    ['endpoint', 'varchar'],
    ['method', 'varchar'],
    ['request_payload', 'json'],
    ['response_payload', 'json'],
    ['response_status', 'int4'],
    ['latency_ms', 'int4'],
    ['status', 'varchar'],
    ['attempts', 'int4'],
    ['error_message', 'text'],
    ['started_at', 'timestamp'],
    ['created_at', 'timestamp'],
  ],
  database_query_logs: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['customer_id', 'varchar'],
    ['tree_id', 'varchar'],
    ['node_id', 'varchar'],
    ['query_name', 'varchar'],
    ['query_type', 'varchar'],
    ['parameters', 'json'],
    ['row_count', 'int4'],
    ['result', 'json'],
    ['latency_ms', 'int4'],
    ['status', 'varchar'],
    ['error_message', 'text'],
    ['started_at', 'timestamp'],
    ['created_at', 'timestamp'],
  ],
  system_events: [
    ['id', 'varchar'],
    ['event_type', 'varchar'],
    ['event_category', 'varchar'],
    ['event_details', 'json', true],
    ['severity_level', 'varchar'],
    ['source_component', 'varchar'],
    ['correlation_id', 'varchar'],
    ['created_at', 'timestamp'],
  ],
  audit_trails: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['customer_id', 'varchar'],
    ['operation_type', 'varchar'],
    ['operation_details', 'json', true],
    ['execution_time_ms', 'int4'],
    ['status', 'varchar'],
    ['error_message', 'text'],
    ['created_at', 'timestamp'],
    ['tree_id', 'varchar'],
    ['tree_version', 'int4'],
    ['outcome', 'json'],
    ['actor', 'varchar'],
    ['hash_version', 'int4'],
    ['seq', 'int8'],
    ['prev_hash', 'varchar'],
    ['hash', 'varchar'],
  ],
} as const satisfies Record<string, readonly Column[]>;

/** The audit module's own tables as recordsets. */
export const AUDIT_RECORDSETS = {
  request_logs: recordset('request_logs', TABLES.request_logs),
  decision_steps: recordset('decision_steps', TABLES.decision_steps),
  external_call_logs: recordset('external_call_logs', TABLES.external_call_logs),
  database_query_logs: recordset('database_query_logs', TABLES.database_query_logs),
  system_events: recordset('system_events', TABLES.system_events),
} as const;

/**
 * THE list of what one audit batch writes before its trails, in insert order: each table's
 * recordset (declared by the table's owner) and the entry field holding its rows. Every writer
 * path (PostgreSQL's one statement, SQLite's prepared statements, Kysely's fallback) takes its
 * tables from here. promotion_history is the evaluation module's table (`HISTORY_RECORDSET`),
 * written in the same batch so an evaluation's history and audit records commit together.
 */
export const BATCH = [
  { recordset: AUDIT_RECORDSETS.request_logs, field: 'requestLogs' },
  { recordset: AUDIT_RECORDSETS.decision_steps, field: 'steps' },
  { recordset: AUDIT_RECORDSETS.external_call_logs, field: 'calls' },
  { recordset: AUDIT_RECORDSETS.database_query_logs, field: 'queries' },
  { recordset: AUDIT_RECORDSETS.system_events, field: 'events' },
  { recordset: HISTORY_RECORDSET, field: 'history' },
] as const satisfies readonly { recordset: Recordset; field: Exclude<keyof AuditEntry, 'trails'> }[];

export type BatchPart = (typeof BATCH)[number]['recordset']['table'];

/** A batch's rows per table, in `BATCH` order. */
export function partsOf(entries: readonly AuditEntry[]): (readonly object[])[] {
  return BATCH.map(({ field }) => entries.flatMap((e): readonly object[] => e[field] ?? []));
}

/** Bumped whenever a statement's text changes: a connection must never reuse a name for another text. */
const VERSION = 5;

const ROWS_TEXT = (() => {
  const parts = BATCH.map(({ recordset: r }, i) => r.insertSql(i + 1));
  const last = parts.pop() ?? '';
  return `with ${parts.map((p, i) => `w${i} as (${p})`).join(', ')} ${last}`;
})();

/**
 * A whole batch in ONE autocommit statement (no BEGIN/COMMIT round trips): every non-trail row,
 * then the chain: the head row is locked (FOR UPDATE, after the other inserts — its WHERE reads
 * their RETURNING counts, which forces them to run first), a recursive CTE chains
 * hash_i = sha256(hash_{i-1} || seq_i || digest_i) in batch order (`digest` is `trailDigest`,
 * computed in JS before the lock), the trails are inserted and the head
 * advanced. The lock is thus held only inside PostgreSQL — for the trail insert and the commit —
 * never across a round trip to a busy event loop.
 */
const CHAIN_TEXT = (() => {
  const parts = BATCH.map(({ recordset: r }, i) => `w${i} as (${r.insertSql(i + 1)} returning 1)`);
  const trailColumns = TABLES.audit_trails.filter(([name]) => name !== 'seq' && name !== 'prev_hash' && name !== 'hash');
  const drafts = BATCH.length + 1;
  const names = trailColumns.map(([name]) => name);
  const ran = parts.map((_, i) => `(select count(*) from w${i})`).join(' + ');
  return `with recursive ${parts.join(', ')},
head as (select seq, hash from audit_chain_head where id = 1 and ${ran} >= 0 for update),
d as (select * from json_to_recordset($${drafts}::json) as d(${definition(trailColumns)}, digest text, n bigint)),
c (n, seq, hash) as (
  select 0::bigint, seq, hash::text from head
  union all
  select d.n, c.seq + 1, encode(sha256(convert_to(c.hash || (c.seq + 1)::text || d.digest, 'UTF8')), 'hex') from c join d on d.n = c.n + 1
),
t as (insert into audit_trails (${names.join(', ')}, seq, prev_hash, hash) select ${trailColumns.map((col) => selectColumn(col, 'd')).join(', ')}, c.seq, p.hash, c.hash from d join c on c.n = d.n join c p on p.n = d.n - 1)
update audit_chain_head h set seq = l.seq, hash = l.hash from (select seq, hash from c order by n desc limit 1) l where h.id = 1`;
})();

/** A trail ready for the chain statement: its row without seq/hashes, and its content digest (`trailDigest`). */
export interface ChainDraft {
  readonly row: object;
  readonly digest: string;
}

const TRAIL_DRAFT_COLUMNS: readonly Column[] = [
  ...TABLES.audit_trails.filter(([name]) => name !== 'seq' && name !== 'prev_hash' && name !== 'hash'),
  ['digest', 'text'],
  ['n', 'int8'],
];

/** The single statement writing a batch that has trails (see CHAIN_TEXT). */
export function chainQuery(parts: readonly (readonly object[])[], drafts: readonly ChainDraft[]): pg.QueryConfig<unknown[]> {
  const values: unknown[] = BATCH.map(({ recordset: r }, i) => r.wire(parts[i] ?? []));
  // The chain statement computes scheme HASH_VERSION (CHAIN_TEXT's sha256 expression is `chainHash`).
  values.push(`[${drafts.map((d, i) => wireRow(TRAIL_DRAFT_COLUMNS, { ...d.row, hash_version: HASH_VERSION, digest: d.digest, n: i + 1 })).join(',')}]`);
  return { name: `banyan_audit_chain_v${VERSION}`, text: CHAIN_TEXT, values };
}

/** The statement inserting every non-trail row of a batch (every `BATCH` table, empty arrays included). */
export function rowsQuery(parts: readonly (readonly object[])[]): pg.QueryConfig<unknown[]> {
  return { name: `banyan_audit_rows_v${VERSION}`, text: ROWS_TEXT, values: BATCH.map(({ recordset: r }, i) => r.wire(parts[i] ?? [])) };
}

/** Exposed for tests and docs. */
export const STATEMENTS = { rows: ROWS_TEXT, chain: CHAIN_TEXT } as const;
