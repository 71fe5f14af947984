import type { Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../platform/db/sql.js';

export const evaluationMigrations: Record<string, Migration> = {
  '2026_11_21_0300_promotion_history': {
    async up(db) {
      const dialect = dialectOf(db);
      await db.schema
        .createTable('promotion_history')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
        // NOT_ELIGIBLE when no offer applied: the table records every evaluation's outcome.
        .addColumn('promotion_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('promotion_result', jsonType(dialect), (c) => c.notNull())
        .addColumn('executed_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('request_id', 'varchar(36)')
        .addColumn('tree_id', 'varchar(36)')
        .addColumn('tree_version', 'integer')
        .addColumn('eligible', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('idx_customer_date').on('promotion_history').columns(['customer_id', 'executed_at']).execute();
      await db.schema.createIndex('idx_history_executed_at').on('promotion_history').column('executed_at').execute();
      await db.schema.createIndex('idx_history_request_id').on('promotion_history').column('request_id').execute();
    },
  },
};
