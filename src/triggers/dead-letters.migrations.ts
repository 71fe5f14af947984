import type { Migration } from 'kysely';
import { columnTypes } from '../platform/db/sql.js';

export const deadLetterMigrations: Record<string, Migration> = {
  '2026_12_04_0100_dead_letters': {
    async up(db) {
      const { ts, json } = columnTypes(db);
      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('topic', 'varchar(300)', (c) => c.notNull())
        .addColumn('message_id', 'varchar(200)', (c) => c.notNull())
        .addColumn('tenant_id', 'varchar(64)')
        .addColumn('reason_code', 'varchar(40)', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('headers', json, (c) => c.notNull())
        .addColumn('delivery_count', 'integer', (c) => c.notNull())
        .addColumn('received_at', ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_dead_letters_received').on('dead_letters').columns(['received_at', 'id']).execute();
    },
  },
};
