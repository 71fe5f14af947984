import type { MigrationSet } from './platform/db/migrate.js';
import { auditMigrations } from './audit/audit.migrations.js';
import { evaluationMigrations } from './evaluation/evaluation.migrations.js';
import { rulesMigrations } from './rules/rules.migrations.js';
import { treesMigrations } from './trees/trees.migrations.js';
import { usersMigrations } from './users/users.migrations.js';

/** Every module's migrations; names sort in application order. */
export const allMigrations: MigrationSet = {
  ...usersMigrations,
  ...treesMigrations,
  ...rulesMigrations,
  ...evaluationMigrations,
  ...auditMigrations,
};
