import type pg from 'pg';
import { HASH_VERSION } from './hash.js';

/**
 * PostgreSQL batch inserts as constant-text NAMED prepared statements, one parameter per table:
 *
 *   with w0 as (insert into request_logs (…) select x.id, …, coalesce(x.request_payload, 'null'), …
 *               from json_to_recordset($1::json) as x(id varchar, …, request_payload json, …)), …
 *
 * The parameter is one JSON array per table, built by `wireJson`: each row an object whose JSON
 * columns are EMBEDDED as they are (they are already JSON text), not re-encoded as JSON strings, so
 * neither side escapes or unescapes the payloads a second time (that double encoding was ~10 % of
 * the server's CPU and ~5 % of PostgreSQL's on the durable evaluate path). The SQL text never
 * changes whatever the batch size, so PostgreSQL parses and plans it once per connection (a
 * `{ name, text, values }` query), and the JS side builds no SQL — instead of a Kysely multi-row
 * VALUES statement with thousands of bind parameters compiled in JS and parsed and planned by
 * PostgreSQL for every batch. Empty arrays insert nothing, so one statement serves every mix of
 * tables.
 *
 * json_to_recordset reads a JSON `null` in a json column as SQL NULL: NOT NULL JSON columns
 * therefore coalesce it back to JSON `null`, and in nullable ones "no document" is SQL NULL.
 */

/** [name, type, NOT NULL] — the third element matters for JSON columns only (see above). */
type Column = readonly [name: string, type: string, notNull?: true];

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
  promotion_history: [
    ['id', 'varchar'],
    ['customer_id', 'varchar'],
    ['promotion_id', 'varchar'],
    ['promotion_result', 'jsonb', true],
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

export type BatchTable = keyof typeof TABLES;

/** The tables of the first statement, in insert order (the trails follow under the chain lock). */
export const BATCH_TABLES = ['request_logs', 'decision_steps', 'external_call_logs', 'database_query_logs', 'system_events', 'promotion_history'] as const satisfies readonly BatchTable[];
export type BatchPart = (typeof BATCH_TABLES)[number];

const isJson = (type: string): boolean => type === 'json' || type === 'jsonb';
const selectColumn = ([name, type, notNull]: Column, alias: string): string => (isJson(type) && notNull ? `coalesce(${alias}.${name}, 'null'::${type})` : `${alias}.${name}`);
const definition = (columns: readonly Column[]): string => columns.map(([name, type]) => `${name} ${type}`).join(', ');

function insertSql(table: BatchTable, param: number): string {
  const columns: readonly Column[] = TABLES[table];
  return `insert into ${table} (${columns.map(([name]) => name).join(', ')}) select ${columns.map((c) => selectColumn(c, 'x')).join(', ')} from json_to_recordset($${param}::json) as x(${definition(columns)})`;
}

/** Bumped whenever a statement's text changes: a connection must never reuse a name for another text. */
const VERSION = 5;

const ROWS_TEXT = (() => {
  const parts = BATCH_TABLES.map((table, i) => insertSql(table, i + 1));
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
  const parts = BATCH_TABLES.map((table, i) => `w${i} as (${insertSql(table, i + 1)} returning 1)`);
  const trailColumns = TABLES.audit_trails.filter(([name]) => name !== 'seq' && name !== 'prev_hash' && name !== 'hash');
  const drafts = BATCH_TABLES.length + 1;
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

/**
 * One row as a JSON object for json_to_recordset. JSON columns hold JSON text made by
 * `JSON.stringify` (`toJson` / `canonicalJson`: never raw user text), which is embedded as is;
 * every other value goes through `JSON.stringify`. SQL NULL (null or undefined) is left out.
 */
function wireRow(columns: readonly Column[], row: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const [name, type] of columns) {
    const value = row[name];
    if (value === null || value === undefined) continue;
    out += `${out === '' ? '{' : ','}"${name}":${isJson(type) && typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

/** A table's rows as the JSON array parameter of its insert. */
export function wireJson(table: BatchTable, rows: readonly object[]): string {
  const columns: readonly Column[] = TABLES[table];
  let out = '[';
  for (let i = 0; i < rows.length; i += 1) out += (i === 0 ? '' : ',') + wireRow(columns, rows[i] as Record<string, unknown>);
  return `${out}]`;
}

const TRAIL_DRAFT_COLUMNS: readonly Column[] = [...TABLES.audit_trails.filter(([name]) => name !== 'seq' && name !== 'prev_hash' && name !== 'hash'), ['digest', 'text'], ['n', 'int8']];

/** The single statement writing a batch that has trails (see CHAIN_TEXT). */
export function chainQuery(parts: Readonly<Record<BatchPart, readonly object[]>>, drafts: readonly ChainDraft[]): pg.QueryConfig<unknown[]> {
  const values: unknown[] = BATCH_TABLES.map((table) => wireJson(table, parts[table]));
  // The chain statement computes scheme HASH_VERSION (CHAIN_TEXT's sha256 expression is `chainHash`).
  values.push(`[${drafts.map((d, i) => wireRow(TRAIL_DRAFT_COLUMNS, { ...d.row, hash_version: HASH_VERSION, digest: d.digest, n: i + 1 })).join(',')}]`);
  return { name: `banyan_audit_chain_v${VERSION}`, text: CHAIN_TEXT, values };
}

/** The statement inserting every non-trail row of a batch (all six tables, empty arrays included). */
export function rowsQuery(parts: Readonly<Record<BatchPart, readonly object[]>>): pg.QueryConfig<unknown[]> {
  return { name: `banyan_audit_rows_v${VERSION}`, text: ROWS_TEXT, values: BATCH_TABLES.map((table) => wireJson(table, parts[table])) };
}

/** Exposed for tests and docs. */
export const STATEMENTS = { rows: ROWS_TEXT, chain: CHAIN_TEXT } as const;
