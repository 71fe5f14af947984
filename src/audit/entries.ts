import type { FastifyRequest } from 'fastify';
import type { Insertable } from 'kysely';
import { historyRow, sideEffectsOf, type EvaluationRecord } from '../evaluation/index.js';
import type { ChangeRecord } from '../platform/changes.js';
import { newId, toDbTimestamp } from '../platform/db/sql.js';
import { AUDIT_MAX_REQUEST_BYTES, capped, cappedJson } from './caps.js';
import type { DecisionStepsTable, SystemEventsTable } from './audit.tables.js';
import type { AuditEntry, TrailDraft } from './writer.js';

export const EVALUATION = 'PROMOTION_EVALUATION';

/** What the audit trail keeps of each tree run: enough to explain and to replay the evaluation. */
export interface TrailTreeRun {
  readonly treeId: string;
  readonly treeName: string;
  readonly version: number;
  readonly priority: number;
  readonly path: readonly string[];
  readonly eligible: boolean;
  readonly promotionId: string | null;
  readonly error: string | null;
}

/** operation_details of a PROMOTION_EVALUATION trail (kept 7 years, unlike request_logs). */
export interface EvaluationDetails {
  readonly endpoint: string;
  /** The evaluation's clock (`now`), ISO 8601: replay runs with it. */
  readonly evaluatedAt: string;
  readonly request: unknown;
  readonly accountType: string | null;
  readonly requestedTreeId: string | null;
  readonly trees: readonly TrailTreeRun[];
  readonly chosenTreeId: string | null;
  readonly result: unknown;
  readonly responseStatus: number;
  readonly externalCallFailures: number;
  /** Number of decision_steps rows written with this trail (an integrity check for the crash test and auditors). */
  readonly stepCount: number;
}

const ms = (value: number): number => Math.max(0, Math.round(value));

/** Rows for one evaluate request: request log, audit trail, steps, calls, queries, history. */
export function evaluationEntry(record: EvaluationRecord): AuditEntry {
  const createdAt = toDbTimestamp(record.startedAt);
  const finishedAt = toDbTimestamp(record.finishedAt);
  const elapsed = ms(record.finishedAt.getTime() - record.startedAt.getTime());
  const outcome = record.outcome;
  const payload = (record.request.payload ?? {}) as Record<string, unknown>;
  const chosen = outcome && outcome.chosen !== null ? outcome.runs[outcome.chosen] : undefined;
  const single = outcome && outcome.runs.length === 1 ? outcome.runs[0] : undefined;
  const treeRef = chosen ?? single;
  const { calls, queries } = sideEffectsOf(outcome);

  const steps: Insertable<DecisionStepsTable>[] = [];
  let order = 0;
  for (const run of outcome?.runs ?? []) {
    for (const step of run.evaluation?.steps ?? []) {
      order += 1;
      steps.push({
        id: newId(),
        request_id: record.requestId,
        tree_id: run.treeId,
        node_id: step.nodeId,
        step_order: order,
        node_type: step.nodeType,
        command_type: step.commandType,
        input_data: cappedJson(step.input),
        output_data: cappedJson(step.output),
        execution_time_ms: ms(step.durationMs),
        status: step.status,
        error_details: step.error ?? null,
        created_at: createdAt,
      });
    }
  }

  const details: EvaluationDetails = {
    endpoint: record.request.endpoint,
    evaluatedAt: record.startedAt.toISOString(),
    request: capped(record.request.payload, AUDIT_MAX_REQUEST_BYTES),
    accountType: typeof payload.accountType === 'string' ? payload.accountType : null,
    requestedTreeId: typeof payload.treeId === 'string' ? payload.treeId : null,
    trees: (outcome?.runs ?? []).map((run) => ({
      treeId: run.treeId,
      treeName: run.treeName,
      version: run.version,
      priority: run.priority,
      path: run.evaluation?.path ?? [],
      eligible: run.evaluation?.result.eligible ?? false,
      promotionId: run.evaluation?.result.promotionId ?? null,
      error: run.error,
    })),
    chosenTreeId: chosen?.treeId ?? null,
    result: outcome?.result ?? null,
    responseStatus: record.response.status,
    externalCallFailures: calls.filter((c) => c.status !== 'SUCCESS' && c.status !== 'CACHED').length,
    stepCount: steps.length,
  };
  const trail: TrailDraft = {
    id: newId(),
    request_id: record.requestId,
    customer_id: record.customerId,
    operation_type: EVALUATION,
    operation_details: cappedJson(details),
    execution_time_ms: elapsed,
    status: record.error ? 'FAILED' : 'SUCCESS',
    error_message: record.error ? `${record.error.code}: ${record.error.message}` : null,
    created_at: createdAt,
    tree_id: treeRef?.treeId ?? null,
    tree_version: treeRef?.version ?? null,
    outcome: outcome
      ? cappedJson({ promotionId: outcome.result.promotionId, eligible: outcome.result.eligible, discountAmount: outcome.result.discountAmount })
      : null,
    actor: null,
  };
  const common = { request_id: record.requestId, customer_id: record.customerId, created_at: createdAt };
  const history = historyRow(record);
  return {
    requestLogs: [
      {
        id: newId(),
        request_id: record.requestId,
        api_endpoint: record.request.endpoint,
        http_method: record.request.method,
        request_payload: cappedJson(record.request.payload),
        response_payload: cappedJson(record.response.body),
        response_status: record.response.status,
        client_ip: record.request.clientIp,
        user_agent: record.request.userAgent,
        processing_time_ms: elapsed,
        created_at: createdAt,
        completed_at: finishedAt,
        correlation_id: record.request.correlationId ?? null,
      },
    ],
    trails: [trail],
    steps,
    calls: calls.map((c) => ({
      ...common,
      id: newId(),
      tree_id: c.treeId,
      node_id: c.nodeId,
      system: c.system,
      endpoint: c.endpoint,
      method: c.method,
      request_payload: cappedJson(c.requestPayload),
      response_payload: cappedJson(c.responsePayload),
      response_status: c.responseStatus,
      latency_ms: ms(c.latencyMs),
      status: c.status,
      attempts: c.attempts,
      error_message: c.errorMessage,
      started_at: toDbTimestamp(new Date(c.startedAt)),
    })),
    queries: queries.map((q) => ({
      ...common,
      id: newId(),
      tree_id: q.treeId,
      node_id: q.nodeId,
      query_name: q.queryName,
      query_type: q.queryType,
      parameters: cappedJson(q.parameters),
      row_count: q.rowCount,
      result: cappedJson(q.result),
      latency_ms: ms(q.latencyMs),
      status: q.status,
      error_message: q.errorMessage,
      started_at: toDbTimestamp(new Date(q.startedAt)),
    })),
    history: history ? [history] : [],
  };
}

/**
 * A management change as an audit trail row: DECISION_TREE_CREATE, PROMOTION_RULE_STATUS_CHANGE …
 * customer_id is NOT NULL in the document but a change has no customer: it holds the actor's
 * username ('-' when anonymous), and `actor` says the same explicitly.
 */
export function changeEntry(change: ChangeRecord, now = new Date()): AuditEntry {
  const after = change.after as { version?: unknown } | null;
  return {
    trails: [
      {
        id: newId(),
        request_id: change.requestId ?? newId(),
        customer_id: change.actor?.username ?? '-',
        operation_type: `${change.entity}_${change.action}`,
        operation_details: cappedJson({ entity: change.entity, entityId: change.entityId, action: change.action, before: change.before, after: change.after }),
        execution_time_ms: null,
        status: 'SUCCESS',
        error_message: null,
        created_at: toDbTimestamp(now),
        tree_id: change.entity === 'DECISION_TREE' ? change.entityId : null,
        tree_version: typeof after?.version === 'number' ? after.version : null,
        outcome: null,
        actor: change.actor?.username ?? null,
      },
    ],
  };
}

export function loginEntry(kind: 'LOGIN_SUCCESS' | 'LOGIN_FAILED', username: string, request: FastifyRequest, failures?: number): AuditEntry {
  return {
    trails: [
      {
        id: newId(),
        request_id: request.id,
        customer_id: username.slice(0, 50) || '-',
        operation_type: kind,
        operation_details: cappedJson({
          method: request.method,
          url: request.url,
          clientIp: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          ...(failures ? { failures } : {}),
        }),
        execution_time_ms: null,
        status: kind === 'LOGIN_SUCCESS' ? 'SUCCESS' : 'FAILED',
        error_message: kind === 'LOGIN_FAILED' ? 'invalid username or password' : null,
        created_at: toDbTimestamp(),
        tree_id: null,
        tree_version: null,
        outcome: null,
        actor: username.slice(0, 100),
      },
    ],
  };
}

export type EventType = 'SYSTEM_START' | 'SYSTEM_STOP' | 'MIGRATION' | 'CONFIGURATION' | 'ERROR' | 'SECURITY' | 'RETENTION' | 'AUDIT_FAILURE';
export type Severity = 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL';

export interface SystemEvent {
  readonly type: EventType;
  readonly category: 'SYSTEM' | 'BUSINESS' | 'SECURITY';
  readonly severity: Severity;
  readonly source: string;
  readonly details: unknown;
  readonly correlationId?: string | null;
}

export function eventRow(event: SystemEvent, now = new Date()): Insertable<SystemEventsTable> {
  return {
    id: newId(),
    event_type: event.type,
    event_category: event.category,
    event_details: cappedJson(event.details),
    severity_level: event.severity,
    source_component: event.source,
    correlation_id: event.correlationId ?? null,
    created_at: toDbTimestamp(now),
  };
}
