import type { Migration } from 'kysely';
import { dialectOf, timestampType } from '../platform/db/sql.js';

export const usersMigrations: Record<string, Migration> = {
  '2026_11_21_0001_users': {
    async up(db) {
      const ts = timestampType(dialectOf(db));
      await db.schema
        .createTable('users')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('username', 'varchar(100)', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('roles', 'varchar(200)', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('demo_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', ts, (c) => c.notNull())
        .addColumn('updated_at', ts, (c) => c.notNull())
        .execute();
    },
  },
};
