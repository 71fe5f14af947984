import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { insertRowWhen } from '../platform/db/insert-when.js';
import { fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import { dbToIso } from '../platform/time.js';
import type { Tables } from '../platform/db/tables.js';

export interface PlayerRecord {
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export async function findPlayer(db: Kysely<Tables>, tenantId: string, id: string): Promise<PlayerRecord | undefined> {
  const row = await db.selectFrom('players').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    attributes: fromJson<Record<string, unknown>>(row.attributes) ?? {},
    createdAt: dbToIso(row.created_at) ?? '',
    updatedAt: dbToIso(row.updated_at) ?? '',
  };
}

/** Creates the player with `attributes`, or replaces its attributes when `replace` (last writer wins: attributes are facts, not counters). */
export async function upsertPlayer(db: Kysely<Tables>, tenantId: string, id: string, attributes: Record<string, unknown>, replace: boolean): Promise<void> {
  const now = toDbTimestamp();
  await db
    .insertInto('players')
    .values({ tenant_id: tenantId, id, attributes: toJson(attributes), created_at: now, updated_at: now })
    .onConflict((oc) =>
      replace ? oc.columns(['tenant_id', 'id']).doUpdateSet({ attributes: toJson(attributes), updated_at: now }) : oc.columns(['tenant_id', 'id']).doNothing(),
    )
    .execute();
}

/** Several players' attributes in one read (absent players are not in the map). */
export async function findPlayerAttributes(db: Kysely<Tables>, tenantId: string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('players')
    .select(['id', 'attributes'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, fromJson<Record<string, unknown>>(r.attributes) ?? {}]));
}

/**
 * The player in another module's one-statement write (PostgreSQL), when `when` holds: created
 * with `attributes`, or, when it exists, `attributes` merged into its own (null: left as it is).
 */
export function ensurePlayerWhen(
  db: Kysely<Tables>,
  tenantId: string,
  id: string,
  attributes: Record<string, unknown> | null,
  now: string,
  when: Expression<SqlBool>,
) {
  return insertRowWhen(db, 'players', { tenant_id: tenantId, id, attributes: toJson(attributes ?? {}), created_at: now, updated_at: now }, when).onConflict(
    (oc) =>
      attributes
        ? oc.columns(['tenant_id', 'id']).doUpdateSet({ attributes: sql`players.attributes || excluded.attributes`, updated_at: sql`excluded.updated_at` })
        : oc.columns(['tenant_id', 'id']).doNothing(),
  );
}
