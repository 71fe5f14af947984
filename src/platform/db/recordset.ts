/**
 * PostgreSQL inserts of many rows through ONE parameter per table:
 *
 *   insert into request_logs (…) select x.id, …, coalesce(x.request_payload, 'null'), …
 *   from json_to_recordset($1::json) as x(id varchar, …, request_payload json, …)
 *
 * The parameter is one JSON array per table, built by `wire`: each row an object whose JSON
 * columns are EMBEDDED as they are (they are already JSON text), not re-encoded as JSON strings, so
 * neither side escapes or unescapes the payloads a second time. The SQL text never changes whatever
 * the number of rows, so a named prepared statement is parsed and planned once per connection.
 * Empty arrays insert nothing.
 *
 * json_to_recordset reads a JSON `null` in a json column as SQL NULL: NOT NULL JSON columns
 * therefore coalesce it back to JSON `null`, and in nullable ones "no document" is SQL NULL.
 *
 * A table's recordset (its column list and types) is declared by the module that owns the table;
 * a batch writer composes them (audit's pg-batch.ts).
 */

/** [name, type, NOT NULL] — the third element matters for JSON columns only (see above). */
export type Column = readonly [name: string, type: string, notNull?: true];

export interface Recordset<T extends string = string> {
  readonly table: T;
  readonly columns: readonly Column[];
  /** The INSERT reading the rows from parameter `$param` (a `wire` array). */
  insertSql(param: number): string;
  /** The rows as the JSON array parameter of `insertSql`. */
  wire(rows: readonly object[]): string;
}

const isJson = (type: string): boolean => type === 'json' || type === 'jsonb';

/** A column as selected from the recordset aliased `alias` (JSON `null` restored in NOT NULL JSON columns). */
export const selectColumn = ([name, type, notNull]: Column, alias: string): string =>
  isJson(type) && notNull ? `coalesce(${alias}.${name}, 'null'::${type})` : `${alias}.${name}`;
/** The recordset's column definition list: `id varchar, …`. */
export const definition = (columns: readonly Column[]): string => columns.map(([name, type]) => `${name} ${type}`).join(', ');

/**
 * One row as a JSON object for json_to_recordset. JSON columns hold JSON text made by
 * `JSON.stringify` (`toJson` / `canonicalJson`: never raw user text), which is embedded as is;
 * every other value goes through `JSON.stringify`. SQL NULL (null or undefined) is left out.
 */
export function wireRow(columns: readonly Column[], row: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const [name, type] of columns) {
    const value = row[name];
    if (value === null || value === undefined) continue;
    out += `${out === '' ? '{' : ','}"${name}":${isJson(type) && typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

export function recordset<T extends string>(table: T, columns: readonly Column[]): Recordset<T> {
  return {
    table,
    columns,
    insertSql: (param) =>
      `insert into ${table} (${columns.map(([name]) => name).join(', ')}) select ${columns.map((c) => selectColumn(c, 'x')).join(', ')} from json_to_recordset($${param}::json) as x(${definition(columns)})`,
    wire(rows) {
      let out = '[';
      for (let i = 0; i < rows.length; i += 1) out += (i === 0 ? '' : ',') + wireRow(columns, rows[i] as Record<string, unknown>);
      return `${out}]`;
    },
  };
}
