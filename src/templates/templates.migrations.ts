import type { Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../platform/db/sql.js';

export const templatesMigrations: Record<string, Migration> = {
  '2026_12_01_0400_campaign_templates': {
    async up(db) {
      const dialect = dialectOf(db);
      await db.schema
        .createTable('campaign_templates')
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull().references('tenants.id'))
        .addColumn('id', 'varchar(100)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('parameters_schema', jsonType(dialect), (c) => c.notNull())
        .addColumn('campaign', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('updated_at', timestampType(dialect), (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_campaign_templates', ['tenant_id', 'id'])
        .execute();
    },
  },
};
