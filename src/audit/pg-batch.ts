import type pg from 'pg';

/**
 * PostgreSQL batch inserts as constant-text NAMED prepared statements, one parameter per table:
 *
 *   with w0 as (insert into request_logs (…) select x.id, …, x.request_payload::json, …
 *               from json_to_recordset($1::json) as x(id varchar, …, request_payload text, …)), …
 *
 * The parameter is `JSON.stringify(rows)` — the insertable row objects as they are (their JSON
 * columns are already JSON text, so they travel as JSON strings and are cast back to json/jsonb,
 * which keeps SQL NULL and JSON `null` apart). The SQL text never changes whatever the batch size,
 * so PostgreSQL parses and plans it once per connection (a `{ name, text, values }` query), and the
 * JS side builds no SQL and does no per-value work beyond one native JSON.stringify per table —
 * instead of a Kysely multi-row VALUES statement with thousands of bind parameters compiled in JS
 * and parsed and planned by PostgreSQL for every batch (or pg's array literals, whose per-element
 * escaping in JS cost ~8 % of the server's CPU). Empty arrays insert nothing, so one statement
 * serves every mix of tables.
 */

type Column = readonly [name: string, type: string];

const TABLES = {
  request_logs: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['api_endpoint', 'varchar'],
    ['http_method', 'varchar'],
    ['request_payload', 'json'],
    ['response_payload', 'json'],
    ['response_status', 'int4'],
    ['client_ip', 'varchar'],
    ['user_agent', 'text'],
    ['processing_time_ms', 'int4'],
    ['created_at', 'timestamp'],
    ['completed_at', 'timestamp'],
  ],
  decision_steps: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['tree_id', 'varchar'],
    ['node_id', 'varchar'],
    ['step_order', 'int4'],
    ['node_type', 'varchar'],
    ['command_type', 'varchar'],
    ['input_data', 'json'],
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
    ['event_details', 'json'],
    ['severity_level', 'varchar'],
    ['source_component', 'varchar'],
    ['correlation_id', 'varchar'],
    ['created_at', 'timestamp'],
  ],
  promotion_history: [
    ['id', 'varchar'],
    ['customer_id', 'varchar'],
    ['promotion_id', 'varchar'],
    ['promotion_result', 'jsonb'],
    ['executed_at', 'timestamp'],
    ['request_id', 'varchar'],
    ['tree_id', 'varchar'],
    ['tree_version', 'int4'],
    ['eligible', 'int4'],
  ],
  audit_trails: [
    ['id', 'varchar'],
    ['request_id', 'varchar'],
    ['customer_id', 'varchar'],
    ['operation_type', 'varchar'],
    ['operation_details', 'json'],
    ['execution_time_ms', 'int4'],
    ['status', 'varchar'],
    ['error_message', 'text'],
    ['created_at', 'timestamp'],
    ['tree_id', 'varchar'],
    ['tree_version', 'int4'],
    ['outcome', 'json'],
    ['actor', 'varchar'],
    ['seq', 'int8'],
    ['prev_hash', 'varchar'],
    ['hash', 'varchar'],
  ],
} as const satisfies Record<string, readonly Column[]>;

export type BatchTable = keyof typeof TABLES;

/** The tables of the first statement, in insert order (the trails follow under the chain lock). */
export const BATCH_TABLES = ['request_logs', 'decision_steps', 'external_call_logs', 'database_query_logs', 'system_events', 'promotion_history'] as const satisfies readonly BatchTable[];
export type BatchPart = (typeof BATCH_TABLES)[number];

/** The column of json_to_recordset's definition list: JSON columns arrive as JSON text. */
const recordType = (type: string): string => (type === 'json' || type === 'jsonb' ? 'text' : type);
const selectColumn = ([name, type]: Column, alias: string): string => (type === 'json' || type === 'jsonb' ? `${alias}.${name}::${type}` : `${alias}.${name}`);
const definition = (columns: readonly Column[]): string => columns.map(([name, type]) => `${name} ${recordType(type)}`).join(', ');

function insertSql(table: BatchTable, param: number): string {
  const columns: readonly Column[] = TABLES[table];
  return `insert into ${table} (${columns.map(([name]) => name).join(', ')}) select ${columns.map((c) => selectColumn(c, 'x')).join(', ')} from json_to_recordset($${param}::json) as x(${definition(columns)})`;
}

/** Bumped whenever a statement's text changes: a connection must never reuse a name for another text. */
const VERSION = 2;

const ROWS_TEXT = (() => {
  const parts = BATCH_TABLES.map((table, i) => insertSql(table, i + 1));
  const last = parts.pop() ?? '';
  return `with ${parts.map((p, i) => `w${i} as (${p})`).join(', ')} ${last}`;
})();

/**
 * A whole batch in ONE autocommit statement (no BEGIN/COMMIT round trips): every non-trail row,
 * then the chain: the head row is locked (FOR UPDATE, after the other inserts — its WHERE reads
 * their RETURNING counts, which forces them to run first), a recursive CTE chains
 * hash_i = sha256(hash_{i-1} || before_i || seq_i || after_i) in batch order (`before`/`after` are
 * `trailContentParts`, canonicalised in JS before the lock), the trails are inserted and the head
 * advanced. The lock is thus held only inside PostgreSQL — for the trail insert and the commit —
 * never across a round trip to a busy event loop.
 */
const CHAIN_TEXT = (() => {
  const parts = BATCH_TABLES.map((table, i) => `w${i} as (${insertSql(table, i + 1)} returning 1)`);
  const trailColumns = TABLES.audit_trails.filter(([name]) => name !== 'seq' && name !== 'prev_hash' && name !== 'hash');
  const drafts = BATCH_TABLES.length + 1;
  const names = trailColumns.map(([name]) => name);
  const ran = parts.map((_, i) => `(select count(*) from w${i})`).join(' + ');
  return `with recursive ${parts.join(', ')},
head as (select seq, hash from audit_chain_head where id = 1 and ${ran} >= 0 for update),
d as (select * from json_to_recordset($${drafts}::json) as d(${definition(trailColumns)}, before text, after text, n bigint)),
c (n, seq, hash) as (
  select 0::bigint, seq, hash::text from head
  union all
  select d.n, c.seq + 1, encode(sha256(convert_to(c.hash || d.before || (c.seq + 1)::text || d.after, 'UTF8')), 'hex') from c join d on d.n = c.n + 1
),
t as (insert into audit_trails (${names.join(', ')}, seq, prev_hash, hash) select ${trailColumns.map((col) => selectColumn(col, 'd')).join(', ')}, c.seq, p.hash, c.hash from d join c on c.n = d.n join c p on p.n = d.n - 1)
update audit_chain_head h set seq = l.seq, hash = l.hash from (select seq, hash from c order by n desc limit 1) l where h.id = 1`;
})();

/** A trail ready for the chain statement: its row without seq/hashes, and its content around seq. */
export interface ChainDraft {
  readonly row: object;
  readonly before: string;
  readonly after: string;
}

/** The single statement writing a batch that has trails (see CHAIN_TEXT). */
export function chainQuery(parts: Readonly<Record<BatchPart, readonly object[]>>, drafts: readonly ChainDraft[]): pg.QueryConfig<unknown[]> {
  const values: unknown[] = BATCH_TABLES.map((table) => JSON.stringify(parts[table]));
  values.push(JSON.stringify(drafts.map((d, i) => ({ ...d.row, before: d.before, after: d.after, n: i + 1 }))));
  return { name: `banyan_audit_chain_v${VERSION}`, text: CHAIN_TEXT, values };
}

/** The statement inserting every non-trail row of a batch (all six tables, empty arrays included). */
export function rowsQuery(parts: Readonly<Record<BatchPart, readonly object[]>>): pg.QueryConfig<unknown[]> {
  return { name: `banyan_audit_rows_v${VERSION}`, text: ROWS_TEXT, values: BATCH_TABLES.map((table) => JSON.stringify(parts[table])) };
}

/** Exposed for tests and docs. */
export const STATEMENTS = { rows: ROWS_TEXT, chain: CHAIN_TEXT } as const;
