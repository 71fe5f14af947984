/** SQL for `usage_buckets` and `usage_flushes`: applying a flush batch once, and reading usage back. */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DialectName } from '../platform/db/database.js';
import { toDbTimestamp } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';

/** One counter of a flush batch: requests of one tenant, key, route, method and status in one minute. */
export interface UsageCount {
  readonly tenantId: string;
  readonly keyId: string;
  readonly route: string;
  readonly method: string;
  readonly status: number;
  /** The minute, as Unix milliseconds at its start. */
  readonly minute: number;
  readonly count: number;
}

export interface UsageBatch {
  readonly id: string;
  readonly counts: readonly UsageCount[];
}

/** Rows per INSERT statement (7 bound values each; well under SQLite's and PostgreSQL's limits). */
const CHUNK = 500;

/**
 * Applies a flush batch exactly once: the batch id is claimed in `usage_flushes` and the counts
 * are added to their minute buckets (insert, or add to the existing row) in one transaction.
 * Returns false, changing nothing, when the batch was applied before (a retried flush whose first
 * attempt committed after all).
 */
export async function applyUsageBatch(db: Kysely<Tables>, batch: UsageBatch, now: Date = new Date()): Promise<boolean> {
  const rows = mergeCounts(batch.counts);
  const requests = rows.reduce((n, r) => n + r.count, 0);
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('usage_flushes')
      .values({ id: batch.id, rows: rows.length, requests, flushed_at: toDbTimestamp(now) })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return false;
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('usage_buckets')
        .values(
          rows.slice(i, i + CHUNK).map((r) => ({
            tenant_id: r.tenantId,
            bucket_start: toDbTimestamp(new Date(r.minute)),
            key_id: r.keyId,
            route: r.route,
            method: r.method,
            status: r.status,
            count: r.count,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'bucket_start', 'key_id', 'route', 'method', 'status'])
            .doUpdateSet({ count: sql<number>`usage_buckets.count + excluded.count` }),
        )
        .execute();
    }
    return true;
  });
}

/** One statement may not touch a row twice (PostgreSQL's ON CONFLICT): counters of the same bucket are summed first. */
function mergeCounts(counts: readonly UsageCount[]): UsageCount[] {
  const merged = new Map<string, UsageCount>();
  for (const c of counts) {
    const key = `${c.tenantId}\u0000${c.minute}\u0000${c.keyId}\u0000${c.route}\u0000${c.method}\u0000${c.status}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, count: seen.count + c.count } : c);
  }
  return [...merged.values()];
}

/** Forgets applied batch ids older than `before` (a redelivery that late is not expected). */
export async function pruneUsageFlushes(db: Kysely<Tables>, before: Date): Promise<number> {
  const result = await db.deleteFrom('usage_flushes').where('flushed_at', '<', toDbTimestamp(before)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type Granularity = 'minute' | 'hour' | 'day';
export type UsageGroupBy = 'route' | 'key';

export interface UsageFilter {
  /** One tenant, or every tenant (staff) when undefined. */
  readonly tenantId: string | undefined;
  /** Inclusive, database timestamp. */
  readonly from: string;
  /** Exclusive, database timestamp. */
  readonly to: string;
  readonly granularity: Granularity;
  readonly groupBy: UsageGroupBy;
  readonly limit: number;
}

export interface UsageRowRecord {
  readonly tenantId: string;
  /** Database timestamp text of the bucket's start. */
  readonly bucket: string;
  readonly route?: string;
  readonly method?: string;
  readonly keyId?: string;
  readonly status: number;
  readonly count: number;
}

/** The bucket start truncated to the granularity, in UTC (SQLite stores ISO-ordered text, PostgreSQL timestamps). */
function bucketOf(dialect: DialectName, granularity: Granularity): RawBuilder<string> {
  if (granularity === 'minute') return sql<string>`bucket_start`;
  if (dialect === 'postgres') return granularity === 'hour' ? sql<string>`date_trunc('hour', bucket_start)` : sql<string>`date_trunc('day', bucket_start)`;
  return granularity === 'hour' ? sql<string>`substr(bucket_start, 1, 13) || ':00:00.000'` : sql<string>`substr(bucket_start, 1, 10) || ' 00:00:00.000'`;
}

/** Request counts per bucket and route (with method) or key, and status; ordered by bucket, tenant, group, status. */
export async function queryUsage(db: Kysely<Tables>, dialect: DialectName, filter: UsageFilter): Promise<UsageRowRecord[]> {
  const bucket = bucketOf(dialect, filter.granularity);
  let query = db
    .selectFrom('usage_buckets')
    .select([bucket.as('bucket'), 'tenant_id', 'status', (eb) => eb.fn.sum<number | string>('count').as('n')])
    .where('bucket_start', '>=', filter.from)
    .where('bucket_start', '<', filter.to)
    .groupBy([bucket, 'tenant_id', 'status'])
    .orderBy(bucket)
    .orderBy('tenant_id');
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.groupBy === 'route') {
    const rows = await query
      .select(['route', 'method'])
      .groupBy(['route', 'method'])
      .orderBy('route')
      .orderBy('method')
      .orderBy('status')
      .limit(filter.limit)
      .execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      bucket: String(r.bucket),
      route: r.route,
      method: r.method,
      status: Number(r.status),
      count: Number(r.n),
    }));
  }
  const rows = await query.select('key_id').groupBy('key_id').orderBy('key_id').orderBy('status').limit(filter.limit).execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, bucket: String(r.bucket), keyId: r.key_id, status: Number(r.status), count: Number(r.n) }));
}
