import type { ColumnType } from 'kysely';

/**
 * The database's table map. Each module declares its own tables by augmenting this interface
 * (`declare module '../platform/db/tables.js' { interface Tables { … } }`), so modules own their
 * models while Kysely still sees one typed schema.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Tables {}

/**
 * The bookkeeping columns of a managed (soft-deleted, user-edited) configuration table: who created
 * and last changed the row, when, and when it was deleted. `withManagedColumns` creates them.
 */
export interface ManagedColumns {
  created_by: string | null;
  updated_by: string | null;
  deleted_at: string | null;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}
