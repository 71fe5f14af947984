import { sql, type Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../db/sql.js';

export const outboxMigrations: Record<string, Migration> = {
  '2026_11_22_0100_outbox_events': {
    async up(db) {
      const dialect = dialectOf(db);
      // `seq` orders events by creation; `id` (uuid) is what consumers see and what JetStream dedupes on.
      await db.schema
        .createTable('outbox_events')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', 'varchar(36)', (c) => c.notNull().unique())
        .addColumn('topic', 'varchar(200)', (c) => c.notNull())
        .addColumn('tenant_id', 'varchar(64)')
        .addColumn('message_key', 'varchar(200)', (c) => c.notNull())
        .addColumn('payload', jsonType(dialect), (c) => c.notNull())
        .addColumn('headers', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('published_at', timestampType(dialect))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', timestampType(dialect), (c) => c.notNull())
        .execute();
      // Only unpublished rows are ever scanned by the relay: a partial index stays small.
      await db.schema
        .createIndex('idx_outbox_pending')
        .on('outbox_events')
        .columns(['next_attempt_at', 'seq'])
        .where(sql.ref('published_at'), 'is', null)
        .execute();
      await db.schema.createIndex('idx_outbox_published_at').on('outbox_events').column('published_at').execute();
    },
  },
};
