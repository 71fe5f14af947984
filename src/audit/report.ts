import { csvText } from '../platform/csv.js';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DialectName } from '../platform/db/database.js';
import { fromDbTimestamp, fromJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { EVALUATION, type EvaluationDetails } from './entries.js';

export interface ReportFilter {
  readonly from: string;
  readonly to: string;
  readonly customerId?: string | undefined;
}

export interface Count {
  readonly key: string;
  readonly count: number;
}

export interface SummaryReport {
  readonly reportType: 'SUMMARY';
  readonly startDate: string;
  readonly endDate: string;
  readonly customerId: string | null;
  readonly evaluations: number;
  readonly byOutcome: Count[];
  readonly byTree: Count[];
  readonly byPromotion: Count[];
  readonly byCustomerSegment: Count[];
  readonly failures: Count[];
  readonly externalCallFailures: Count[];
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null; readonly max: number | null };
}

/** A JSON member of a JSON column as text, on either dialect. */
function jsonText(dialect: DialectName, column: string, key: string): RawBuilder<string | null> {
  return dialect === 'postgres'
    ? sql<string | null>`(${sql.ref(column)} ->> ${sql.lit(key)})`
    : sql<string | null>`cast(json_extract(${sql.ref(column)}, ${sql.lit(`$.${key}`)}) as text)`;
}

function evaluations(db: Kysely<Tables>, f: ReportFilter) {
  let q = db.selectFrom('audit_trails').where('operation_type', '=', EVALUATION).where('created_at', '>=', f.from).where('created_at', '<=', f.to);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  return q;
}

async function countBy(db: Kysely<Tables>, f: ReportFilter, key: RawBuilder<string | null>): Promise<Count[]> {
  const rows = await evaluations(db, f)
    .select([key.as('k'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(key)
    .orderBy('n', 'desc')
    .execute();
  return rows.map((r) => ({ key: r.k === null ? '(none)' : String(r.k), count: Number(r.n) }));
}

/** SUMMARY: aggregates computed by the database (one pass per figure, no rows in memory). */
export async function summaryReport(db: Kysely<Tables>, dialect: DialectName, f: ReportFilter): Promise<SummaryReport> {
  const eligible = jsonText(dialect, 'outcome', 'eligible');
  const outcomeKey = sql<string>`case when status = 'FAILED' then 'FAILED' when ${eligible} in ('true', '1') then 'ELIGIBLE' else 'NOT_ELIGIBLE' end`;
  const [byOutcome, byTree, byPromotion, byCustomerSegment, failures] = [
    await countBy(db, f, outcomeKey),
    await countBy(db, f, sql<string | null>`tree_id || '@' || cast(tree_version as varchar(12))`),
    await countBy(db, f, jsonText(dialect, 'outcome', 'promotionId')),
    await countBy(db, f, jsonText(dialect, 'operation_details', 'accountType')),
    await countBy(db, f, sql<string | null>`case when status = 'FAILED' then coalesce(error_message, 'FAILED') else null end`),
  ];
  let calls = db
    .selectFrom('external_call_logs')
    .where('created_at', '>=', f.from)
    .where('created_at', '<=', f.to)
    .where('status', 'not in', ['SUCCESS', 'CACHED']);
  if (f.customerId) calls = calls.where('customer_id', '=', f.customerId);
  const callRows = await calls
    .select(['endpoint', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['endpoint', 'status'])
    .orderBy('n', 'desc')
    .execute();
  const total = byOutcome.reduce((sum, c) => sum + c.count, 0);
  return {
    reportType: 'SUMMARY',
    startDate: fromDbTimestamp(f.from) ?? f.from,
    endDate: fromDbTimestamp(f.to) ?? f.to,
    customerId: f.customerId ?? null,
    evaluations: total,
    byOutcome,
    byTree: byTree.filter((c) => c.key !== '(none)' || c.count > 0),
    byPromotion,
    byCustomerSegment,
    failures: failures.filter((c) => c.key !== '(none)'),
    externalCallFailures: callRows.map((r) => ({ key: `${r.endpoint} ${r.status}`, count: Number(r.n) })),
    latencyMs: { p50: await percentile(db, f, total, 0.5), p95: await percentile(db, f, total, 0.95), max: await percentile(db, f, total, 1) },
  };
}

/** Nearest-rank percentile by ORDER BY … OFFSET (portable; PostgreSQL's percentile_disc gives the same). */
async function percentile(db: Kysely<Tables>, f: ReportFilter, total: number, p: number): Promise<number | null> {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  const row = await evaluations(db, f)
    .select('execution_time_ms')
    .orderBy('execution_time_ms')
    .limit(1)
    .offset(rank - 1)
    .executeTakeFirst();
  return row?.execution_time_ms ?? null;
}

export interface DetailedRow {
  readonly requestId: string;
  readonly createdAt: string;
  readonly customerId: string;
  readonly accountType: string | null;
  readonly status: string;
  readonly eligible: boolean;
  readonly promotionId: string | null;
  readonly discountAmount: number | null;
  readonly treeId: string | null;
  readonly treeVersion: number | null;
  readonly path: string;
  readonly executionTimeMs: number | null;
  readonly errorMessage: string | null;
}

export const DETAILED_COLUMNS: readonly (keyof DetailedRow)[] = [
  'requestId',
  'createdAt',
  'customerId',
  'accountType',
  'status',
  'eligible',
  'promotionId',
  'discountAmount',
  'treeId',
  'treeVersion',
  'path',
  'executionTimeMs',
  'errorMessage',
];

/**
 * DETAILED: one row per evaluation, oldest first, fetched in keyset-paginated chunks of
 * (created_at, id) so a year of evaluations streams in constant memory and each chunk is an
 * index range scan (idx_audit_operation_date) rather than an ever-growing OFFSET.
 */
export async function* detailedRows(db: Kysely<Tables>, f: ReportFilter, chunk = 1000): AsyncGenerator<DetailedRow> {
  let last: { created_at: string; id: string } | undefined;
  for (;;) {
    let q = evaluations(db, f);
    if (last) {
      const { created_at, id } = last;
      q = q.where((eb) => eb.or([eb('created_at', '>', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '>', id)])]));
    }
    const rows = await q
      .select([
        'id',
        'request_id',
        'created_at',
        'customer_id',
        'status',
        'outcome',
        'tree_id',
        'tree_version',
        'operation_details',
        'execution_time_ms',
        'error_message',
      ])
      .orderBy('created_at')
      .orderBy('id')
      .limit(chunk)
      .execute();
    for (const r of rows) {
      const details = fromJson<Partial<EvaluationDetails> | null>(r.operation_details) ?? {};
      const outcome = fromJson<{ promotionId?: string | null; eligible?: boolean; discountAmount?: number | null } | null>(r.outcome) ?? {};
      const run = details.trees?.find((t) => t.treeId === (details.chosenTreeId ?? r.tree_id)) ?? details.trees?.[0];
      yield {
        requestId: r.request_id,
        createdAt: fromDbTimestamp(r.created_at) ?? '',
        customerId: r.customer_id,
        accountType: details.accountType ?? null,
        status: r.status,
        eligible: outcome.eligible === true,
        promotionId: outcome.promotionId ?? null,
        discountAmount: outcome.discountAmount ?? null,
        treeId: r.tree_id,
        treeVersion: r.tree_version,
        path: (run?.path ?? []).join(' > '),
        executionTimeMs: r.execution_time_ms,
        errorMessage: r.error_message,
      };
    }
    const tail = rows[rows.length - 1];
    if (rows.length < chunk || !tail) return;
    // PostgreSQL returns trimmed timestamp text; it still compares equal as a timestamp.
    last = { created_at: tail.created_at, id: tail.id };
  }
}

export function summaryCsv(report: SummaryReport): string {
  const lines: unknown[][] = [['section', 'key', 'value']];
  lines.push(['evaluations', 'total', report.evaluations]);
  const sections: [string, Count[]][] = [
    ['byOutcome', report.byOutcome],
    ['byTree', report.byTree],
    ['byPromotion', report.byPromotion],
    ['byCustomerSegment', report.byCustomerSegment],
    ['failures', report.failures],
    ['externalCallFailures', report.externalCallFailures],
  ];
  for (const [section, counts] of sections) for (const c of counts) lines.push([section, c.key, c.count]);
  for (const [k, v] of Object.entries(report.latencyMs)) lines.push(['latencyMs', k, v]);
  return csvText(lines);
}
