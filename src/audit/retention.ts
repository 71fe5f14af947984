import { sql, type Kysely } from 'kysely';
import type { AuditConfig } from '../platform/config.js';
import type { DialectName } from '../platform/db/database.js';
import { toDbTimestamp } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { AUDIT_LOG_TABLES, type AuditLogTable } from './audit.tables.js';
import { dropPartitionsBefore, ensureUpcomingPartitions } from './partitions.js';

export interface RetentionReport {
  readonly cutoffs: Record<AuditLogTable, string>;
  readonly droppedPartitions: string[];
  readonly deletedRows: Record<AuditLogTable, number>;
  readonly createdPartitions: string[];
}

const BATCH = 5000;

export function cutoffFor(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

/**
 * Seed 002 § 資料清理策略, per table. PostgreSQL: drop the monthly partitions that lie wholly
 * before the cutoff (instant, no vacuum debt), then delete the remainder of the boundary month;
 * also create the partitions of the coming months. SQLite: delete in batches of 5,000 so the
 * single writer is never held for long.
 */
export async function runRetention(db: Kysely<Tables>, dialect: DialectName, config: AuditConfig, now = new Date()): Promise<RetentionReport> {
  const cutoffs = {} as Record<AuditLogTable, string>;
  const deletedRows = {} as Record<AuditLogTable, number>;
  const droppedPartitions: string[] = [];
  const createdPartitions = dialect === 'postgres' ? await ensureUpcomingPartitions(db, config.partitionMonthsAhead, now) : [];
  for (const table of AUDIT_LOG_TABLES) {
    const cutoff = cutoffFor(now, config.retention[table]);
    cutoffs[table] = toDbTimestamp(cutoff);
    if (dialect === 'postgres') droppedPartitions.push(...(await dropPartitionsBefore(db, table, cutoff)));
    deletedRows[table] = await deleteBefore(db, dialect, table, cutoffs[table]);
  }
  return { cutoffs, droppedPartitions, deletedRows, createdPartitions };
}

async function deleteBefore(db: Kysely<Tables>, dialect: DialectName, table: AuditLogTable, cutoff: string): Promise<number> {
  let total = 0;
  for (;;) {
    const result =
      dialect === 'postgres'
        ? // (id, created_at) is the key; ctid would not do, it repeats across partitions.
          await sql`delete from ${sql.table(table)} where (id, created_at) in (select id, created_at from ${sql.table(table)} where created_at < ${cutoff} limit ${BATCH})`.execute(
            db,
          )
        : await sql`delete from ${sql.table(table)} where rowid in (select rowid from ${sql.table(table)} where created_at < ${cutoff} limit ${BATCH})`.execute(
            db,
          );
    const n = Number(result.numAffectedRows ?? 0n);
    total += n;
    if (n < BATCH) return total;
  }
}
