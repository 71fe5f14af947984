import type { MigrationSet } from './platform/db/migrate.js';
import { externalMigrations } from './external/external.migrations.js';
import { referenceMigrations } from './reference/reference.migrations.js';
import { outboxMigrations } from './platform/outbox/outbox.migrations.js';
import { rewardsMigrations } from './rewards/rewards.migrations.js';
import { campaignsMigrations } from './campaigns/campaigns.migrations.js';
import { eventsMigrations } from './events/events.migrations.js';
import { playersMigrations } from './players/players.migrations.js';
import { templatesMigrations } from './templates/templates.migrations.js';
import { tenantsMigrations } from './tenants/tenants.migrations.js';
import { auditMigrations } from './audit/audit.migrations.js';
import { evaluationMigrations } from './evaluation/evaluation.migrations.js';
import { rulesMigrations } from './rules/rules.migrations.js';
import { treesMigrations } from './trees/trees.migrations.js';
import { usersMigrations } from './users/users.migrations.js';
import { deadLetterMigrations } from './triggers/dead-letters.migrations.js';
import { usageModule } from './usage/module.js';

/** Every module's migrations; names sort in application order. */
export const allMigrations: MigrationSet = {
  ...usersMigrations,
  ...treesMigrations,
  ...rulesMigrations,
  ...evaluationMigrations,
  ...externalMigrations,
  ...referenceMigrations,
  ...outboxMigrations,
  ...rewardsMigrations,
  ...tenantsMigrations,
  ...campaignsMigrations,
  ...playersMigrations,
  ...templatesMigrations,
  ...eventsMigrations,
  ...auditMigrations,
  ...deadLetterMigrations,
  // composed by hand until src/modules.ts lands (then: the module list's migrations)
  ...usageModule.migrations,
};
