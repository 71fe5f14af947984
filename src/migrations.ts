import { MODULES } from './modules.js';
import type { MigrationSet } from './platform/db/migrate.js';

/** Every module's migrations (src/modules.ts, whatever the role); names sort in application order. */
export const allMigrations: MigrationSet = Object.assign({}, ...MODULES.map((module) => module.migrations ?? {})) as MigrationSet;
