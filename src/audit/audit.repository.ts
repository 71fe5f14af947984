import type { Kysely, Selectable } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { fromDbTimestamp, fromJson } from '../platform/db/sql.js';
import type { AuditTrailsTable, DatabaseQueryLogsTable, DecisionStepsTable, ExternalCallLogsTable } from './audit.tables.js';

/** Filters shared by the time-ranged audit queries; dates are database timestamp text. */
export interface RangeFilter {
  readonly requestId?: string | undefined;
  readonly customerId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly page: number;
  readonly size: number;
}

export interface Rows<T> {
  readonly rows: T[];
  readonly total: number;
}

type Ranged = 'audit_trails' | 'external_call_logs' | 'database_query_logs';

/** The common WHERE of the ranged tables; each filter matches a leading index column. */
function ranged<T extends Ranged>(db: Kysely<Tables>, table: T, f: RangeFilter) {
  let q = db.selectFrom(table as Ranged);
  if (f.requestId) q = q.where('request_id', '=', f.requestId);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<=', f.to);
  return q;
}

async function paged<R>(query: ReturnType<typeof ranged>, f: RangeFilter, map: (row: never) => R): Promise<Rows<R>> {
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.size)
      .offset(f.page * f.size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => map(r as never)), total: Number(count.n) };
}

export function trailView(r: Selectable<AuditTrailsTable>) {
  return {
    id: r.id,
    requestId: r.request_id,
    customerId: r.customer_id,
    operationType: r.operation_type,
    operationDetails: fromJson(r.operation_details),
    executionTimeMs: r.execution_time_ms,
    status: r.status,
    errorMessage: r.error_message,
    treeId: r.tree_id,
    treeVersion: r.tree_version,
    outcome: r.outcome === null ? null : fromJson(r.outcome),
    actor: r.actor,
    seq: Number(r.seq),
    prevHash: r.prev_hash,
    hash: r.hash,
    createdAt: fromDbTimestamp(r.created_at) ?? '',
  };
}

export async function listTrails(db: Kysely<Tables>, f: RangeFilter & { operationType?: string | undefined; status?: string | undefined }) {
  let q = ranged(db, 'audit_trails', f);
  if (f.operationType) q = q.where('operation_type' as never, '=', f.operationType as never);
  if (f.status) q = q.where('status', '=', f.status);
  return paged(q, f, (r: Selectable<AuditTrailsTable>) => trailView(r));
}

export function stepView(r: Selectable<DecisionStepsTable>) {
  return {
    id: r.id,
    requestId: r.request_id,
    treeId: r.tree_id,
    nodeId: r.node_id,
    stepOrder: r.step_order,
    nodeType: r.node_type,
    commandType: r.command_type,
    inputData: fromJson(r.input_data),
    outputData: r.output_data === null ? null : fromJson(r.output_data),
    executionTimeMs: r.execution_time_ms,
    status: r.status,
    errorDetails: r.error_details,
    createdAt: fromDbTimestamp(r.created_at) ?? '',
  };
}

/** A request's steps in execution order (idx_decision_request_step). */
export async function listSteps(
  db: Kysely<Tables>,
  f: { requestId: string; treeId?: string | undefined; nodeType?: string | undefined; page: number; size: number },
) {
  let q = db.selectFrom('decision_steps').where('request_id', '=', f.requestId);
  if (f.treeId) q = q.where('tree_id', '=', f.treeId);
  if (f.nodeType) q = q.where('node_type', '=', f.nodeType);
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('step_order')
      .limit(f.size)
      .offset(f.page * f.size)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(stepView), total: Number(count.n) };
}

/** All steps of some requests, for replay (recorded outputs of host commands). */
export function stepsOf(db: Kysely<Tables>, requestId: string) {
  return db.selectFrom('decision_steps').selectAll().where('request_id', '=', requestId).orderBy('step_order').execute();
}

export async function listCalls(db: Kysely<Tables>, f: RangeFilter & { endpoint?: string | undefined; status?: string | undefined }) {
  let q = ranged(db, 'external_call_logs', f);
  if (f.endpoint) q = q.where('endpoint' as never, '=', f.endpoint as never);
  if (f.status) q = q.where('status', '=', f.status);
  return paged(q, f, (r: Selectable<ExternalCallLogsTable>) => ({
    id: r.id,
    requestId: r.request_id,
    customerId: r.customer_id,
    treeId: r.tree_id,
    nodeId: r.node_id,
    system: r.system,
    endpoint: r.endpoint,
    method: r.method,
    requestPayload: r.request_payload === null ? null : fromJson(r.request_payload),
    responsePayload: r.response_payload === null ? null : fromJson(r.response_payload),
    responseStatus: r.response_status,
    latencyMs: r.latency_ms,
    status: r.status,
    attempts: r.attempts,
    errorMessage: r.error_message,
    startedAt: fromDbTimestamp(r.started_at) ?? '',
    createdAt: fromDbTimestamp(r.created_at) ?? '',
  }));
}

export async function listQueries(db: Kysely<Tables>, f: RangeFilter & { queryType?: string | undefined }) {
  let q = ranged(db, 'database_query_logs', f);
  if (f.queryType) q = q.where('query_type' as never, '=', f.queryType as never);
  return paged(q, f, (r: Selectable<DatabaseQueryLogsTable>) => ({
    id: r.id,
    requestId: r.request_id,
    customerId: r.customer_id,
    treeId: r.tree_id,
    nodeId: r.node_id,
    queryName: r.query_name,
    queryType: r.query_type,
    parameters: r.parameters === null ? null : fromJson(r.parameters),
    rowCount: r.row_count,
    result: r.result === null ? null : fromJson(r.result),
    latencyMs: r.latency_ms,
    status: r.status,
    errorMessage: r.error_message,
    startedAt: fromDbTimestamp(r.started_at) ?? '',
    createdAt: fromDbTimestamp(r.created_at) ?? '',
  }));
}

/** The PROMOTION_EVALUATION trail of a request (replay). */
export function evaluationTrail(db: Kysely<Tables>, requestId: string) {
  return db.selectFrom('audit_trails').selectAll().where('request_id', '=', requestId).where('operation_type', '=', 'PROMOTION_EVALUATION').executeTakeFirst();
}
