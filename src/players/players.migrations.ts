import type { Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../platform/db/sql.js';

export const playersMigrations: Record<string, Migration> = {
  '2026_12_01_0300_players': {
    async up(db) {
      const dialect = dialectOf(db);
      await db.schema
        .createTable('players')
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull().references('tenants.id'))
        .addColumn('id', 'varchar(100)', (c) => c.notNull())
        .addColumn('attributes', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('updated_at', timestampType(dialect), (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_players', ['tenant_id', 'id'])
        .execute();
    },
  },
};
