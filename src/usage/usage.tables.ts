import type { ColumnType } from 'kysely';

/**
 * API usage in per-minute buckets: one row per tenant, API key, route pattern, method, status and
 * minute, `count` requests. Written only by the usage flush (an upsert adding counts), never on
 * the request path. Quotas (requests per month) and billing statements sum these rows by tenant
 * and period; the primary key leads with (tenant_id, bucket_start) for exactly that.
 */
export interface UsageBucketsTable {
  tenant_id: string;
  /** The minute the requests were answered in, UTC ('YYYY-MM-DD HH:MM:00.000'). */
  bucket_start: string;
  /** The API key the request authenticated with (for a bearer token, the key it was issued to). */
  key_id: string;
  /** The route pattern (`/api/v1/events/:eventId`), never the raw URL. */
  route: string;
  method: string;
  /** The HTTP status code answered. */
  status: number;
  count: number;
}

/**
 * The flush batches already applied, by id, so a retried or redelivered batch is applied once:
 * the id is inserted in the same transaction as the batch's counts. Pruned after a week.
 */
export interface UsageFlushesTable {
  id: string;
  /** Rows and requests the batch carried (for an operator). */
  rows: number;
  requests: number;
  flushed_at: ColumnType<string, string, never>;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    usage_buckets: UsageBucketsTable;
    usage_flushes: UsageFlushesTable;
  }
}
