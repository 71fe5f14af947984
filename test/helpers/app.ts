import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createBanyan, type Banyan, type BanyanOverrides } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/platform/config.js';

/** Which database the suite runs on: SQLite by default, PostgreSQL when TEST_DATABASE=postgres (CI). */
export const DB_KIND: 'sqlite' | 'postgres' = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** DATABASE_URL for the app (absent on SQLite: DATA_DIR is used). */
  readonly env: Record<string, string>;
  readonly dataDir: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a temp directory on SQLite, a new database on
 * PostgreSQL (created through the admin URL, dropped afterwards). Never skips: if PostgreSQL is
 * asked for and is not there, the test fails.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'banyan-test-'));
  if (DB_KIND === 'sqlite') {
    return { env: { DATA_DIR: dataDir }, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `banyan_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    dataDir,
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function testConfig(database: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO_DATA: 'true', TREE_CACHE_TTL_MS: '0', ...database.env, ...env });
}

export interface TestApp extends Banyan {
  readonly testDb: TestDatabase;
  /** Close the app and drop its database. */
  destroy(): Promise<void>;
}

/** A complete Banyan on a fresh database, not listening (use `app.inject`). */
export async function startTestApp(env: Record<string, string> = {}, overrides: BanyanOverrides = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const banyan = await createBanyan(testConfig(testDb, env), overrides);
  return Object.assign(banyan, {
    testDb,
    async destroy() {
      await banyan.close();
      await testDb.drop();
    },
  });
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const AS_ADMIN = { authorization: basic('admin', 'admin123') };
export const AS_MANAGER = { authorization: basic('manager', 'manager123') };
export const AS_AUDITOR = { authorization: basic('auditor', 'auditor123') };
