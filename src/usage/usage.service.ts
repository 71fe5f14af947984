/**
 * Usage metering: the in-memory meter and its periodic flush (start/stop), and usage queries with
 * their rules (time range, granularity, grouping). Routes call this only.
 */
import type { Database } from '../platform/db/database.js';
import { newId, toDbTimestamp } from '../platform/db/sql.js';
import { AppError } from '../platform/http/errors.js';
import type { Logger } from '../platform/logger.js';
import { UsageMeter, type FlushReport } from './meter.js';
import { applyUsageBatch, pruneUsageFlushes, queryUsage, type Granularity, type UsageBatch, type UsageGroupBy } from './usage.repository.js';

export type { FlushReport, Granularity, UsageGroupBy };

/** The longest range one query may cover, per granularity (days). */
export const MAX_RANGE_DAYS: Readonly<Record<Granularity, number>> = { minute: 7, hour: 92, day: 366 };
/** Rows one answer carries at most; beyond, `truncated` is true (narrow the range or coarsen the granularity). */
export const MAX_ROWS = 10_000;
/** How long applied batch ids are remembered (a redelivery later than that is not expected). */
const FLUSH_IDS_KEPT_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface UsageQuery {
  /** ISO 8601 date or date-time, inclusive; a bare date is its 00:00 UTC; without a zone, UTC. */
  readonly from: string;
  /** Exclusive; same forms. */
  readonly to: string;
  readonly granularity: Granularity;
  readonly groupBy: UsageGroupBy;
}

export interface UsageRow {
  /** The bucket's start, ISO 8601 UTC (`2026-12-04T21:00:00.000Z`). */
  readonly bucket: string;
  readonly tenantId?: string;
  readonly route?: string;
  readonly method?: string;
  readonly keyId?: string;
  readonly status: number;
  readonly count: number;
}

export interface UsageReport {
  /** The tenant, or null for every tenant (staff). */
  readonly tenantId: string | null;
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly groupBy: UsageGroupBy;
  readonly rows: UsageRow[];
  /** More than MAX_ROWS rows matched: the first MAX_ROWS (in bucket order) are returned. */
  readonly truncated: boolean;
}

/** The usage module's public API (`ctx.modules.get('usage')`). */
export interface UsageService {
  /** Counts one answered tenant request, in memory (the metering hook calls it). */
  record(tenantId: string, keyId: string, route: string, method: string, status: number): void;
  /** Stores what was counted now (also run every USAGE_FLUSH_MS and on stop). */
  flush(): Promise<FlushReport>;
  /** Requests counted and not yet stored. */
  pending(): number;
  /** One tenant's usage, or every tenant's (`tenantId` undefined: staff only). */
  query(tenantId: string | undefined, query: UsageQuery): Promise<UsageReport>;
  start(): void;
  stop(): Promise<void>;
}

export interface UsageServiceDeps {
  readonly database: Database;
  readonly logger: Logger;
  readonly flushMs: number;
  /** Where batches are stored (default: the repository); a test's seam for a failing store. */
  readonly store?: (batch: UsageBatch) => Promise<boolean>;
  readonly now?: () => number;
}

export function createUsageService(deps: UsageServiceDeps): UsageService {
  const { database, logger } = deps;
  const now = deps.now ?? Date.now;
  let lastPrune = 0;
  const store =
    deps.store ??
    (async (batch: UsageBatch) => {
      const applied = await applyUsageBatch(database.db, batch, new Date(now()));
      if (now() - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now();
        await pruneUsageFlushes(database.db, new Date(now() - FLUSH_IDS_KEPT_MS)).catch((err: unknown) =>
          logger.warn({ err }, 'usage: pruning old flush ids failed'),
        );
      }
      return applied;
    });
  const meter = new UsageMeter({ store, newId: () => newId(now()), logger });
  let timer: NodeJS.Timeout | undefined;

  return {
    record: (tenantId, keyId, route, method, status) => meter.record(tenantId, keyId, route, method, status, now()),
    flush: () => meter.flush(),
    pending: () => meter.pending(),

    async query(tenantId, q) {
      const from = parseInstant(q.from, 'from');
      const to = parseInstant(q.to, 'to');
      if (from >= to) throw invalid('from', 'from must be before to', 'from 必須早於 to');
      const maxDays = MAX_RANGE_DAYS[q.granularity];
      if (to.getTime() - from.getTime() > maxDays * 86_400_000) {
        throw invalid('to', `at most ${maxDays} days with granularity=${q.granularity}`, `granularity=${q.granularity} 時區間最多 ${maxDays} 天`);
      }
      const records = await queryUsage(database.db, database.dialect, {
        tenantId,
        from: toDbTimestamp(from),
        to: toDbTimestamp(to),
        granularity: q.granularity,
        groupBy: q.groupBy,
        limit: MAX_ROWS + 1,
      });
      const rows = records
        .slice(0, MAX_ROWS)
        .map(({ tenantId: tid, bucket, ...rest }) => ({ bucket: isoUtc(bucket), ...(tenantId === undefined ? { tenantId: tid } : {}), ...rest }));
      return {
        tenantId: tenantId ?? null,
        from: from.toISOString(),
        to: to.toISOString(),
        granularity: q.granularity,
        groupBy: q.groupBy,
        rows,
        truncated: records.length > MAX_ROWS,
      };
    },

    start() {
      if (timer) return;
      timer = setInterval(() => void meter.flush(), deps.flushMs);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      const report = await meter.flush();
      if (!report.ok) logger.error({ requests: meter.pending() }, 'usage: the final flush failed; these counts are lost');
    },
  };
}

function invalid(field: string, en: string, zh: string): AppError {
  return new AppError('INVALID_REQUEST', { zh, en }, { errors: [{ field, message: en }] });
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time as an instant (UTC when no zone is given); 400 for a date that does not exist (2026-02-30, 24:00). */
export function parseInstant(value: string, field: string): Date {
  const m = INSTANT.exec(value);
  const [year, month, day, hour, minute, second] = [m?.[1], m?.[2], m?.[3], m?.[4] ?? '0', m?.[5] ?? '0', m?.[6] ?? '0'].map(Number) as number[];
  const valid =
    m !== null &&
    month !== undefined &&
    month >= 1 &&
    month <= 12 &&
    day !== undefined &&
    day >= 1 &&
    day <= new Date(Date.UTC(year ?? 0, month, 0)).getUTCDate() &&
    (hour ?? 0) < 24 &&
    (minute ?? 0) < 60 &&
    (second ?? 0) < 60;
  const zone = m?.[8];
  const date = valid
    ? new Date(
        `${value.slice(0, 10)}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}${(m?.[7] ?? '').slice(0, 4)}${zone ? (zone === 'Z' || zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`) : 'Z'}`,
      )
    : null;
  if (!date || Number.isNaN(date.getTime())) throw invalid(field, `${field}: not an ISO 8601 date or date-time`, `${field} 不是有效的 ISO 8601 日期或時間`);
  return date;
}

/** A database timestamp (UTC text, with or without milliseconds) as ISO 8601 with `Z`. */
function isoUtc(db: string): string {
  return new Date(`${db.replace(' ', 'T')}Z`).toISOString();
}
