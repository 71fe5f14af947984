import type { Migration } from 'kysely';
import { columnTypes, withManagedColumns } from '../platform/db/sql.js';

export const referenceMigrations: Record<string, Migration> = {
  '2026_11_21_0710_reference_data': {
    async up(db) {
      const { ts, json } = columnTypes(db);
      await db.schema
        .createTable('customer_blacklist')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
        .addColumn('reason', 'varchar(500)')
        .addColumn('listed_at', ts, (c) => c.notNull())
        .addColumn('source', 'varchar(100)')
        .execute();
      await db.schema.createIndex('idx_blacklist_customer').on('customer_blacklist').column('customer_id').execute();

      await db.schema
        .createTable('product_holdings')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
        .addColumn('product_type', 'varchar(50)', (c) => c.notNull())
        .addColumn('product_id', 'varchar(100)')
        .addColumn('opened_at', ts)
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_holdings_customer_type').on('product_holdings').columns(['customer_id', 'product_type']).execute();

      await db.schema
        .createTable('reference_rows')
        .addColumn('dataset', 'varchar(64)', (c) => c.notNull())
        .addColumn('row_key', 'varchar(200)', (c) => c.notNull())
        .addColumn('data', json, (c) => c.notNull())
        .addColumn('imported_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_reference_rows', ['dataset', 'row_key'])
        .execute();

      await withManagedColumns(
        db.schema
          .createTable('named_queries')
          .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(100)', (c) => c.notNull())
          .addColumn('source', 'varchar(30)', (c) => c.notNull())
          .addColumn('mode', 'varchar(10)', (c) => c.notNull())
          .addColumn('parameters', json, (c) => c.notNull())
          .addColumn('filters', json, (c) => c.notNull())
          .addColumn('description', 'text'),
        ts,
      ).execute();
      await db.schema.createIndex('idx_named_query_name').on('named_queries').column('name').execute();
    },
  },
};
