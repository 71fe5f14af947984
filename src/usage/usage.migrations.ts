import type { Migration } from 'kysely';
import { columnTypes } from '../platform/db/sql.js';

export const usageMigrations: Record<string, Migration> = {
  '2026_12_04_2200_usage': {
    async up(db) {
      const { dialect, ts } = columnTypes(db);
      const counter = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('usage_buckets')
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('bucket_start', ts, (c) => c.notNull())
        .addColumn('key_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('route', 'varchar(200)', (c) => c.notNull())
        .addColumn('method', 'varchar(10)', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('count', counter, (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_usage_buckets', ['tenant_id', 'bucket_start', 'key_id', 'route', 'method', 'status'])
        .execute();
      // All tenants over a period (staff view, retention), without the tenant prefix.
      await db.schema.createIndex('idx_usage_buckets_bucket').on('usage_buckets').column('bucket_start').execute();
      await db.schema
        .createTable('usage_flushes')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('rows', 'integer', (c) => c.notNull())
        .addColumn('requests', counter, (c) => c.notNull())
        .addColumn('flushed_at', ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_usage_flushes_at').on('usage_flushes').column('flushed_at').execute();
    },
  },
};
