import type { Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../platform/db/sql.js';

export const rulesMigrations: Record<string, Migration> = {
  '2026_11_21_0200_promotion_rules': {
    async up(db) {
      const dialect = dialectOf(db);
      await db.schema
        .createTable('promotion_rules')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('rule_type', 'varchar(20)', (c) => c.notNull())
        .addColumn('rule_content', 'text', (c) => c.notNull())
        .addColumn('parameters', jsonType(dialect))
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(100)')
        .addColumn('updated_by', 'varchar(100)')
        .addColumn('deleted_at', timestampType(dialect))
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('updated_at', timestampType(dialect), (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_rule_status').on('promotion_rules').column('status').execute();
      await db.schema.createIndex('idx_rule_type').on('promotion_rules').column('rule_type').execute();
    },
  },
};
