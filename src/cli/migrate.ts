import { allMigrations } from '../migrations.js';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';

/** `banyan migrate`: apply pending migrations and exit. */
export async function run(_argv: string[]): Promise<number> {
  const config = loadConfig();
  const database = openDatabase(config.database);
  try {
    const { applied } = await migrateToLatest(database, allMigrations);
    process.stdout.write(applied.length > 0 ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await database.close();
  }
}
