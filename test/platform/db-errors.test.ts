/**
 * Database errors are recognised by driver class and code (src/platform/db/errors.ts), on real
 * errors from both drivers: better-sqlite3 always, PostgreSQL when the suite runs on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseError, isDuplicateTable, isMissingPartition, isSerializationFailure, isUniqueViolation, sqlState } from '../../src/platform/db/errors.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../helpers/app.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** What a shape test (`/^[0-9A-Z]{5}$/`, `SQLITE_…`) took for a database error, and is not. */
const LOOKALIKES = [
  Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }),
  Object.assign(new Error('x'), { code: '23505', constraint: 'pk' }),
  { code: 'SQLITE_CONSTRAINT_UNIQUE' },
  null,
  'boom',
];

describe('database errors: shapes are not database errors', () => {
  it('Given errors that only look like driver errors, When recognised, Then none is a database error', () => {
    for (const error of LOOKALIKES) {
      expect(isDatabaseError(error), String((error as { code?: string } | null)?.code ?? error)).toBe(false);
      expect(isUniqueViolation(error)).toBe(false);
      expect(sqlState(error)).toBeUndefined();
    }
  });
});

describe('database errors: SQLite (better-sqlite3)', () => {
  const db = new SQLite(':memory:');
  db.exec('create table t (id integer primary key, name text unique, n integer check (n > 0))');
  db.prepare('insert into t (id, name, n) values (1, ?, 1)').run('a');

  it('Given a real unique violation (column and primary key), When recognised, Then it is a unique violation', () => {
    const unique = thrown(() => db.prepare('insert into t (id, name, n) values (2, ?, 1)').run('a'));
    expect(isDatabaseError(unique)).toBe(true);
    expect((unique as { code: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(isUniqueViolation(unique)).toBe(true);
    const primary = thrown(() => db.prepare('insert into t (id, name, n) values (1, ?, 1)').run('b'));
    expect((primary as { code: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(isUniqueViolation(primary)).toBe(true);
  });

  it('Given other real errors (check constraint, syntax, missing table), When recognised, Then database errors but not unique violations', () => {
    for (const error of [
      thrown(() => db.prepare('insert into t (id, name, n) values (3, ?, 0)').run('c')),
      thrown(() => db.prepare('selec 1')),
      thrown(() => db.prepare('select * from missing')),
    ]) {
      expect(isDatabaseError(error)).toBe(true);
      expect(isUniqueViolation(error)).toBe(false);
      expect(isSerializationFailure(error)).toBe(false);
      expect(sqlState(error)).toBeUndefined();
    }
  });

  it('Given a write while another connection holds the write lock, When recognised, Then it is SQLITE_BUSY, a serialization failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'banyan-dberr-'));
    const file = join(dir, 'busy.db');
    const a = new SQLite(file);
    const b = new SQLite(file, { timeout: 0 });
    try {
      a.exec('create table if not exists x (v integer)');
      a.exec('begin immediate');
      const busy = thrown(() => b.exec('begin immediate'));
      expect(isDatabaseError(busy)).toBe(true);
      expect(isSerializationFailure(busy)).toBe(true);
      a.exec('rollback');
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(DB_KIND === 'postgres')('database errors: PostgreSQL (pg)', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.env.DATABASE_URL, max: 3 });
    await pool.query('create table t (id int constraint pk_t primary key, name text constraint uq_t_name unique)');
    await pool.query(`insert into t values (1, 'a')`);
    await pool.query('create table parted (id int, at date) partition by range (at)');
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('Given a real unique violation, When recognised, Then SQLSTATE 23505, filtered by constraint name', async () => {
    const error = await rejected(pool.query(`insert into t values (2, 'a')`));
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect(isDatabaseError(error)).toBe(true);
    expect(sqlState(error)).toBe('23505');
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, ['uq_t_name'])).toBe(true);
    expect(isUniqueViolation(error, ['pk_t'])).toBe(false);
    expect(isUniqueViolation(await rejected(pool.query(`insert into t values (1, 'b')`)), ['pk_t'])).toBe(true);
  });

  it('Given a duplicate table and a row with no partition, When recognised, Then 42P07 and the missing partition (23514) are told apart', async () => {
    const duplicate = await rejected(pool.query('create table t (id int)'));
    expect(isDuplicateTable(duplicate)).toBe(true);
    expect(isUniqueViolation(duplicate)).toBe(false);
    const noPartition = await rejected(pool.query(`insert into parted values (1, '2020-01-01')`));
    expect(sqlState(noPartition)).toBe('23514');
    expect(isMissingPartition(noPartition)).toBe(true);
    expect(isMissingPartition(duplicate)).toBe(false);
  });

  it('Given two serializable transactions that conflict, When the second commits, Then it is a serialization failure (40001)', async () => {
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      for (const c of [a, b]) await c.query('begin isolation level serializable');
      const ca = await a.query('select count(*)::int as n from t');
      const cb = await b.query('select count(*)::int as n from t');
      await a.query('insert into t values ($1, $2)', [100 + Number(ca.rows[0].n), 'x']);
      await b.query('insert into t values ($1, $2)', [200 + Number(cb.rows[0].n), 'y']);
      await a.query('commit');
      const error = await rejected(b.query('commit'));
      expect(sqlState(error)).toBe('40001');
      expect(isSerializationFailure(error)).toBe(true);
      expect(isUniqueViolation(error)).toBe(false);
    } finally {
      await b.query('rollback').catch(() => undefined);
      a.release();
      b.release();
    }
  });

  it('Given a refused connection, When recognised, Then it is not a database error (the database never answered)', async () => {
    const refused = new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    const error = await rejected(refused.connect());
    expect(isDatabaseError(error)).toBe(false);
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
