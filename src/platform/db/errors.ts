import SQLite from 'better-sqlite3';
import pg from 'pg';

/**
 * Database errors, recognised by the driver's error class and its code — PostgreSQL's SQLSTATE
 * (`pg`'s DatabaseError, from pg-protocol) and SQLite's extended result code (better-sqlite3's
 * SqliteError) — never by the shape of a `code` property (a Node system error such as EPIPE has
 * a five-letter upper-case code too). The one place the code inspects database errors.
 */
const { DatabaseError } = pg;
const { SqliteError } = SQLite;

export type PgError = InstanceType<typeof DatabaseError>;
export type SqliteErrorT = InstanceType<typeof SqliteError>;

/** SQLSTATEs the code reacts to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const SQLSTATE = {
  UNIQUE_VIOLATION: '23505',
  CHECK_VIOLATION: '23514',
  DUPLICATE_TABLE: '42P07',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
} as const;

export function isPgError(error: unknown): error is PgError {
  return error instanceof DatabaseError;
}

export function isSqliteError(error: unknown): error is SqliteErrorT {
  return error instanceof SqliteError;
}

/** An error the database reported (either driver): a statement it refused or could not run. */
export function isDatabaseError(error: unknown): error is PgError | SqliteErrorT {
  return isPgError(error) || isSqliteError(error);
}

/** PostgreSQL's SQLSTATE of a database error; undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  return isPgError(error) ? error.code : undefined;
}

/**
 * A unique (or primary key) violation; with `constraints`, only of one of those (PostgreSQL names
 * the constraint; SQLite does not, so there any unique violation matches).
 */
export function isUniqueViolation(error: unknown, constraints?: readonly string[]): boolean {
  if (isPgError(error))
    return (
      error.code === SQLSTATE.UNIQUE_VIOLATION && (constraints === undefined || (error.constraint !== undefined && constraints.includes(error.constraint)))
    );
  return isSqliteError(error) && (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY');
}

/** PostgreSQL: the relation (or type) already exists — a concurrent CREATE won the race. */
export function isDuplicateTable(error: unknown): boolean {
  return sqlState(error) === SQLSTATE.DUPLICATE_TABLE;
}

/** PostgreSQL: a row whose partition key matches no partition of a partitioned table (SQLSTATE 23514, "no partition of relation …"). */
export function isMissingPartition(error: unknown): boolean {
  return isPgError(error) && error.code === SQLSTATE.CHECK_VIOLATION && /no partition/i.test(error.message);
}

/** A transaction the database aborted so that it may be retried (serialization failure, deadlock; SQLite: busy). */
export function isSerializationFailure(error: unknown): boolean {
  if (isPgError(error)) return error.code === SQLSTATE.SERIALIZATION_FAILURE || error.code === SQLSTATE.DEADLOCK_DETECTED;
  return isSqliteError(error) && (error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY_'));
}
