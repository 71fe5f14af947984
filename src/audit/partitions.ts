import { sql, type Kysely } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { isDuplicateTable, isUniqueViolation } from '../platform/db/errors.js';
import { AUDIT_LOG_TABLES, type AuditLogTable } from './audit.tables.js';

/**
 * Monthly range partitions on PostgreSQL (seed 002 § 分割策略): `<table>_pYYYY_MM` holds
 * [first of month, first of next month). Partitions are created ahead of time (at migration, at
 * start and by the scheduled job) because an insert with no matching partition fails; there is
 * deliberately no DEFAULT partition, which would make later CREATE … PARTITION OF fail once it
 * holds rows of that month.
 */
export function monthStart(date: Date, offsetMonths = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offsetMonths, 1));
}

const ymd = (d: Date): string => d.toISOString().slice(0, 10);
const partitionName = (table: AuditLogTable, month: Date): string => `${table}_p${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

/** Create the partition of every audit table for each month from `from` to `to` (inclusive). */
export async function ensurePartitions(db: Kysely<Tables>, from: Date, to: Date): Promise<string[]> {
  const created: string[] = [];
  for (let month = monthStart(from); month <= monthStart(to); month = monthStart(month, 1)) {
    for (const table of AUDIT_LOG_TABLES) {
      const name = partitionName(table, month);
      try {
        const result = await sql<{ exists: boolean }>`select to_regclass(${name}) is not null as exists`.execute(db);
        if (result.rows[0]?.exists) continue;
        await sql`create table if not exists ${sql.id(name)} partition of ${sql.id(table)} for values from (${sql.lit(ymd(month))}) to (${sql.lit(ymd(monthStart(month, 1)))})`.execute(
          db,
        );
        created.push(name);
      } catch (error) {
        // Another node created it concurrently (duplicate relation / pg_type race): fine.
        if (!isDuplicateTable(error) && !isUniqueViolation(error)) throw error;
      }
    }
  }
  return created;
}

/** Current month and the next `monthsAhead`. */
export function ensureUpcomingPartitions(db: Kysely<Tables>, monthsAhead: number, now = new Date()): Promise<string[]> {
  return ensurePartitions(db, now, monthStart(now, monthsAhead));
}

/** Drop the partitions of `table` whose whole month lies before `cutoff`; returns their names. */
export async function dropPartitionsBefore(db: Kysely<Tables>, table: AuditLogTable, cutoff: Date): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname = ${table}`.execute(db);
  const dropped: string[] = [];
  for (const { name } of rows) {
    const match = /_p(\d{4})_(\d{2})$/.exec(name);
    if (!match) continue;
    const next = new Date(Date.UTC(Number(match[1]), Number(match[2]), 1));
    if (next <= cutoff) {
      await sql`drop table if exists ${sql.id(name)}`.execute(db);
      dropped.push(name);
    }
  }
  return dropped.sort();
}
