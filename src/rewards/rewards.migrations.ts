import { sql, type Migration } from 'kysely';
import { dialectOf, jsonType, timestampType } from '../platform/db/sql.js';

export const rewardsMigrations: Record<string, Migration> = {
  '2026_11_22_0200_rewards': {
    async up(db) {
      const dialect = dialectOf(db);
      // No foreign key to tenants or campaigns: modules never reach into each other's tables.
      await db.schema
        .createTable('rewards')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('campaign_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('player_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('event_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('amount', dialect === 'postgres' ? sql`numeric(23,8)` : 'text', (c) => c.notNull())
        .addColumn('currency', 'varchar(8)', (c) => c.notNull())
        .addColumn('reward_type', 'varchar(16)', (c) => c.notNull().check(sql`reward_type in ('CASH', 'BONUS', 'FREE_SPINS', 'POINTS')`))
        .addColumn('quantity', 'integer')
        .addColumn('status', 'varchar(16)', (c) => c.notNull().check(sql`status in ('PENDING', 'PROCESSING', 'PAID', 'FAILED')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('wallet_transaction_id', 'varchar(128)')
        .addColumn('paid_at', timestampType(dialect))
        .addColumn('metadata', jsonType(dialect), (c) => c.notNull())
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('updated_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('next_attempt_at', timestampType(dialect), (c) => c.notNull())
        .addColumn('lease_until', timestampType(dialect))
        .addUniqueConstraint('uq_rewards_event', ['tenant_id', 'campaign_id', 'event_id', 'player_id'])
        .execute();
      await db.schema.createIndex('idx_rewards_tenant_player').on('rewards').columns(['tenant_id', 'player_id', 'created_at']).execute();
      await db.schema.createIndex('idx_rewards_tenant_status').on('rewards').columns(['tenant_id', 'status', 'created_at']).execute();
      // The worker's sweep: unfinished rewards by due time.
      await db.schema
        .createIndex('idx_rewards_due')
        .on('rewards')
        .columns(['status', 'next_attempt_at'])
        .where(sql.ref('status'), 'in', sql`('PENDING', 'PROCESSING')`)
        .execute();
    },
  },
};
