import type pg from 'pg';

/**
 * PostgreSQL batch inserts as constant-text NAMED prepared statements over arrays:
 *
 *   with w0 as (insert into request_logs (…) select * from unnest($1::varchar[], …)), …
 *   insert into promotion_history (…) select * from unnest(…)
 *
 * One parameter per column whatever the batch size, so the SQL text never changes: PostgreSQL
 * parses and plans it once per connection (a `{ name, text, values }` query), and the JS side
 * builds no SQL — instead of a Kysely multi-row VALUES statement with thousands of bind
 * parameters compiled in JS and parsed and planned by PostgreSQL for every batch. Empty arrays
 * insert nothing, so one statement serves every mix of tables.
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

function insertSql(table: BatchTable, first: number): string {
  const columns: readonly Column[] = TABLES[table];
  const arrays = columns.map(([, type], i) => `$${first + i}::${type}[]`);
  return `insert into ${table} (${columns.map(([name]) => name).join(', ')}) select * from unnest(${arrays.join(', ')})`;
}

function paramCount(tables: readonly BatchTable[]): number {
  return tables.reduce((n, t) => n + TABLES[t].length, 0);
}

/** Bumped whenever a statement's text changes: a connection must never reuse a name for another text. */
const VERSION = 1;

const ROWS_TEXT = (() => {
  const parts: string[] = [];
  let next = 1;
  for (const table of BATCH_TABLES) {
    parts.push(insertSql(table, next));
    next += TABLES[table].length;
  }
  const last = parts.pop() ?? '';
  return `with ${parts.map((p, i) => `w${i} as (${p})`).join(', ')} ${last}`;
})();

const TRAILS_PARAMS = paramCount(['audit_trails']);

/** Trails and the chain head in one statement: the head's row lock is held as briefly as possible. */
const TRAILS_TEXT = `with t as (${insertSql('audit_trails', 1)}) update audit_chain_head set seq = $${TRAILS_PARAMS + 1}, hash = $${TRAILS_PARAMS + 2} where id = 1`;

export const HEAD_LOCK: pg.QueryConfig = { name: `banyan_audit_head_v${VERSION}`, text: 'select seq, hash from audit_chain_head where id = 1 for update' };

/** Column-wise arrays of `rows` for `table` (missing values become NULL). */
function columnArrays(table: BatchTable, rows: readonly object[]): unknown[][] {
  const columns: readonly Column[] = TABLES[table];
  const arrays: unknown[][] = columns.map(() => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as Record<string, unknown>;
    for (let c = 0; c < columns.length; c += 1) {
      const value = row[(columns[c] as Column)[0]];
      (arrays[c] as unknown[])[r] = value === undefined ? null : value;
    }
  }
  return arrays;
}

/** The statement inserting every non-trail row of a batch (all six tables, empty arrays included). */
export function rowsQuery(parts: Readonly<Record<BatchPart, readonly object[]>>): pg.QueryConfig<unknown[]> {
  const values: unknown[] = [];
  for (const table of BATCH_TABLES) values.push(...columnArrays(table, parts[table]));
  return { name: `banyan_audit_rows_v${VERSION}`, text: ROWS_TEXT, values };
}

/** The statement inserting the chained trails and advancing the chain head to (seq, hash). */
export function trailsQuery(rows: readonly object[], seq: number, hash: string): pg.QueryConfig<unknown[]> {
  return { name: `banyan_audit_trails_v${VERSION}`, text: TRAILS_TEXT, values: [...columnArrays('audit_trails', rows), seq, hash] };
}

/** Exposed for tests and docs. */
export const STATEMENTS = { rows: ROWS_TEXT, trails: TRAILS_TEXT } as const;
