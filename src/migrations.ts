import type { MigrationSet } from './platform/db/migrate.js';
import { externalMigrations } from './external/external.migrations.js';
import { referenceMigrations } from './reference/reference.migrations.js';
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
  ...externalMigrations,
  ...referenceMigrations,
};
