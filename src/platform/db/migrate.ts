import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.js';

/** Migrations are forward-only; each module contributes its own, named so they sort in order. */
export type MigrationSet = Readonly<Record<string, Migration>>;

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: MigrationSet) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.migrations };
  }
}

export interface MigrationReport {
  readonly applied: readonly string[];
}

export async function migrateToLatest(database: Database, migrations: MigrationSet): Promise<MigrationReport> {
  const migrator = new Migrator({ db: database.db, provider: new StaticProvider(migrations) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${message}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
