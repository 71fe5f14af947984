import type { Migration } from 'kysely';
import { columnTypes, withManagedColumns } from '../platform/db/sql.js';

export const rulesMigrations: Record<string, Migration> = {
  '2026_11_21_0200_promotion_rules': {
    async up(db) {
      const { ts, json } = columnTypes(db);
      await withManagedColumns(
        db.schema
          .createTable('promotion_rules')
          .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(100)', (c) => c.notNull())
          .addColumn('rule_type', 'varchar(20)', (c) => c.notNull())
          .addColumn('rule_content', 'text', (c) => c.notNull())
          .addColumn('parameters', json)
          .addColumn('description', 'text')
          .addColumn('status', 'varchar(20)', (c) => c.notNull()),
        ts,
      ).execute();
      await db.schema.createIndex('idx_rule_status').on('promotion_rules').column('status').execute();
      await db.schema.createIndex('idx_rule_type').on('promotion_rules').column('rule_type').execute();
    },
  },
};
