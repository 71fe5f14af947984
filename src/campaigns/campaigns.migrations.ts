import type { Migration } from 'kysely';
import { columnTypes } from '../platform/db/sql.js';

export const campaignsMigrations: Record<string, Migration> = {
  '2026_12_01_0200_campaigns': {
    async up(db) {
      const { ts, json } = columnTypes(db);
      await db.schema
        .createTable('campaigns')
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull().references('tenants.id'))
        .addColumn('id', 'varchar(36)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('starts_at', ts)
        .addColumn('ends_at', ts)
        .addColumn('event_types', json, (c) => c.notNull())
        .addColumn('reward_type', 'varchar(20)', (c) => c.notNull())
        .addColumn('currency', 'varchar(10)', (c) => c.notNull())
        .addColumn('visibility_rule', json)
        .addColumn('participation_rule', json)
        .addColumn('eligibility_rule', json)
        .addColumn('reward_formula', json, (c) => c.notNull())
        .addColumn('max_rewards_per_player', 'integer')
        .addColumn('max_amount_per_player', 'varchar(40)')
        .addColumn('cooldown_seconds', 'integer')
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('exclusivity_group', 'varchar(100)')
        .addColumn('template_id', 'varchar(100)')
        .addColumn('created_at', ts, (c) => c.notNull())
        .addColumn('updated_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_campaigns', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('idx_campaign_tenant_status').on('campaigns').columns(['tenant_id', 'status', 'priority']).execute();

      await db.schema
        .createTable('campaign_participants')
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('campaign_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('player_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('source', 'varchar(10)', (c) => c.notNull())
        .addColumn('joined_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_campaign_participants', ['tenant_id', 'campaign_id', 'player_id'])
        .addForeignKeyConstraint('fk_participant_campaign', ['tenant_id', 'campaign_id'], 'campaigns', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('idx_participant_player').on('campaign_participants').columns(['tenant_id', 'player_id']).execute();

      await db.schema
        .createTable('player_campaign_stats')
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('campaign_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('player_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('reward_count', 'integer', (c) => c.notNull())
        .addColumn('reward_amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('last_reward_at', ts)
        .addColumn('updated_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('pk_player_campaign_stats', ['tenant_id', 'campaign_id', 'player_id'])
        .addForeignKeyConstraint('fk_stats_campaign', ['tenant_id', 'campaign_id'], 'campaigns', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
        .execute();
    },
  },
};
