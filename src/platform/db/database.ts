import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Dialect as KyselyDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Tables } from './tables.js';

export type DialectName = 'sqlite' | 'postgres';

/** The subset of pino's logger the database needs. */
export interface DbLogger {
  debug(obj: object, msg?: string): void;
}

export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: DialectName;
  /**
   * The raw better-sqlite3 connection (SQLite only), for hot synchronous write paths that cached
   * prepared statements serve 2–3× faster than Kysely's compile-per-query (the audit writer).
   * Use only when `!sqlite.inTransaction`: it is the same connection Kysely uses.
   */
  readonly sqlite?: SQLite.Database;
  /**
   * The pg pool Kysely uses (PostgreSQL only), for hot write paths that run constant-text named
   * prepared statements (the audit writer): PostgreSQL parses and plans them once per connection.
   */
  readonly pg?: pg.Pool;
  /** Cheap liveness probe for /actuator/health: true when a trivial query succeeds. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS.mmm' on both dialects (TIMESTAMP(3) on PostgreSQL),
// so the same string compares and sorts the same everywhere; int8 counts come back as numbers and
// NUMERIC as strings (money stays decimal).
pg.types.setTypeParser(1114, (text) => text);
pg.types.setTypeParser(20, (text) => Number(text));
pg.types.setTypeParser(1700, (text) => text);

/**
 * Marks a hot PostgreSQL statement (put it first in the SQL text): it is sent as a named prepared
 * statement, parsed and planned once per connection instead of on every execution (a large CTE
 * statement spends about as long in the planner as executing). The name is a hash of the text, so
 * each distinct text is its own statement. Other statements are unaffected; SQLite ignores it.
 */
export const PREPARED = '/* prepared */';

type QueryFn = (text: unknown, values?: unknown, callback?: unknown) => unknown;

function preparing(client: pg.PoolClient): void {
  const target = client as unknown as { query: QueryFn };
  const query = target.query.bind(client) as QueryFn;
  target.query = (text, values, callback) => {
    if (typeof text === 'string' && text.startsWith(PREPARED) && Array.isArray(values)) {
      return query({ name: `b_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text, values }, callback);
    }
    return query(text, values, callback);
  };
}

export function openDatabase(config: Config['database'], logger?: DbLogger): Database {
  const log = logger
    ? (event: LogEvent) => {
        if (event.level === 'error') logger.debug({ sql: event.query.sql, err: event.error }, 'query failed');
      }
    : undefined;
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    const handle = new SQLite(config.file);
    handle.pragma('journal_mode = WAL');
    // FULL: a committed audit row survives a crash of the process *and* of the OS.
    handle.pragma('synchronous = FULL');
    handle.pragma('foreign_keys = ON');
    handle.pragma('busy_timeout = 5000');
    return wrap(new SqliteDialect({ database: handle }), 'sqlite', log, handle);
  }
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  pool.on('connect', preparing);
  return wrap(new PostgresDialect({ pool }), 'postgres', log, undefined, pool);
}

function wrap(dialect: KyselyDialect, name: DialectName, log?: (event: LogEvent) => void, sqlite?: SQLite.Database, pool?: pg.Pool): Database {
  const db = new Kysely<Tables>({ dialect, ...(log ? { log } : {}) });
  let closed = false;
  return {
    db,
    dialect: name,
    ...(sqlite ? { sqlite } : {}),
    ...(pool ? { pg: pool } : {}),
    async ping() {
      if (closed) return false;
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
