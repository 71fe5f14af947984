import type { Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../platform/db/sql.js';

export const eventsMigrations: Record<string, Migration> = {
  '2026_12_01_0500_behaviour_events': {
    async up(db) {
      const dialect = dialectOf(db);
      await db.schema
        .createTable('behaviour_events')
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull().references('tenants.id'))
        .addColumn('event_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('type', 'varchar(100)', (c) => c.notNull())
        .addColumn('player_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('occurred_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('data', jsonType(dialect), (c) => c.notNull())
        .addColumn('outcome', 'varchar(40)', (c) => c.notNull())
        .addColumn('results', jsonType(dialect))
        .addColumn('received_at', timestampType(dialect), (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_behaviour_events', ['tenant_id', 'event_id'])
        .execute();
      await db.schema.createIndex('idx_behaviour_event_player').on('behaviour_events').columns(['tenant_id', 'player_id', 'occurred_at']).execute();
    },
  },
};
