import type { Expression, Insertable, InsertQueryBuilder, InsertResult, Kysely, SqlBool } from 'kysely';
import type { Tables } from './tables.js';

/**
 * `INSERT INTO <table> (<row's columns>) SELECT <row's values> WHERE <when>`: one row written only
 * when `when` holds, for a data-modifying CTE gated on another one (PostgreSQL's one-statement
 * paths: `WHERE EXISTS (SELECT 1 FROM claim)`). The columns are the row's own keys, so a table's
 * column list is written once, by the builder of its row in the module that owns the table.
 * No casts are needed: PostgreSQL types the parameters of an INSERT … SELECT by its target columns.
 */
export function insertRowWhen<T extends keyof Tables & string>(
  db: Kysely<Tables>,
  table: T,
  row: Insertable<Tables[T]>,
  when: Expression<SqlBool>,
): InsertQueryBuilder<Tables, T, InsertResult> {
  const values = row as Record<string, unknown>;
  const columns = Object.keys(values).filter((c) => values[c] !== undefined);
  return db
    .insertInto(table)
    .columns(columns as never)
    .expression(db.selectNoFrom((eb) => columns.map((c) => eb.val(values[c]).as(c))).where(when) as never);
}
