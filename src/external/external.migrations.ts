import type { Migration } from 'kysely';
import { columnTypes, withManagedColumns } from '../platform/db/sql.js';

export const externalMigrations: Record<string, Migration> = {
  '2026_11_21_0700_external_systems': {
    async up(db) {
      const { ts, json } = columnTypes(db);
      await withManagedColumns(
        db.schema
          .createTable('external_systems')
          .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(100)', (c) => c.notNull())
          .addColumn('base_url', 'varchar(500)', (c) => c.notNull())
          .addColumn('url_template', 'varchar(1000)', (c) => c.notNull())
          .addColumn('method', 'varchar(10)', (c) => c.notNull())
          .addColumn('headers', json, (c) => c.notNull())
          .addColumn('body_template', json)
          .addColumn('timeout_ms', 'integer', (c) => c.notNull())
          .addColumn('retries', 'integer', (c) => c.notNull())
          .addColumn('retry_backoff_ms', 'integer', (c) => c.notNull())
          .addColumn('circuit_breaker', json, (c) => c.notNull())
          .addColumn('response_mapping', json, (c) => c.notNull())
          .addColumn('on_unavailable', 'varchar(10)', (c) => c.notNull())
          .addColumn('max_connections', 'integer', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('status', 'varchar(20)', (c) => c.notNull()),
        ts,
      ).execute();
      await db.schema.createIndex('idx_external_system_name').on('external_systems').column('name').execute();
    },
  },
};
