import type { Kysely } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { newId, toDbTimestamp, toJson } from '../platform/db/sql.js';
import { insertHistoryRows, type HistoryRow } from './history.repository.js';
import type { EvaluationOutcome } from './evaluation.service.js';

/**
 * One call to an external system made while evaluating (credit bureau, AML …). EXTERNAL_SYSTEM
 * command handlers return these in their outcome's `records.calls` (the engine puts them in the
 * step's `records`), so the audit module can index them (`/api/v1/audit/external-calls`); the
 * step's output shows them as `output.calls`.
 */
export interface ExternalCallRecord {
  readonly system: string;
  readonly endpoint: string;
  readonly method: string;
  readonly requestPayload: unknown;
  readonly responsePayload: unknown;
  readonly responseStatus: number | null;
  readonly latencyMs: number;
  /** SUCCESS, FAILED, TIMEOUT, CIRCUIT_OPEN, or CACHED (identical call earlier in the same evaluation). */
  readonly status: 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'CIRCUIT_OPEN' | 'CACHED';
  readonly attempts: number;
  readonly errorMessage: string | null;
  readonly startedAt: string;
}

/** One named reference-data query made while evaluating; DATABASE_QUERY steps carry them in `records.queries` (shown as `output.queries`). */
export interface DatabaseQueryRecord {
  readonly queryName: string;
  /** e.g. BLACKLIST, PRODUCT_HOLDINGS, REFERENCE. */
  readonly queryType: string;
  readonly parameters: unknown;
  readonly rowCount: number;
  readonly result: unknown;
  readonly latencyMs: number;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly errorMessage: string | null;
  readonly startedAt: string;
}

declare module '../engine/types.js' {
  /** What Banyan's host commands record (DecisionStep.records): typed, not read back from the output. */
  interface CommandRecords {
    readonly calls?: readonly ExternalCallRecord[];
    readonly queries?: readonly DatabaseQueryRecord[];
  }
}

/** The external calls and database queries of an outcome, with the tree and node that made them. */
export function sideEffectsOf(outcome: EvaluationOutcome | null): {
  calls: (ExternalCallRecord & { treeId: string; nodeId: string })[];
  queries: (DatabaseQueryRecord & { treeId: string; nodeId: string })[];
} {
  const calls: (ExternalCallRecord & { treeId: string; nodeId: string })[] = [];
  const queries: (DatabaseQueryRecord & { treeId: string; nodeId: string })[] = [];
  for (const run of outcome?.runs ?? []) {
    for (const step of run.evaluation?.steps ?? []) {
      const records = step.records;
      if (records === undefined) continue;
      for (const call of records.calls ?? []) calls.push({ ...call, treeId: run.treeId, nodeId: step.nodeId });
      for (const query of records.queries ?? []) queries.push({ ...query, treeId: run.treeId, nodeId: step.nodeId });
    }
  }
  return { calls, queries };
}

/** Everything one evaluate request did, handed to the recorder before the response is sent. */
export interface EvaluationRecord {
  readonly requestId: string;
  readonly customerId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly request: {
    readonly endpoint: string;
    readonly method: string;
    readonly payload: unknown;
    readonly clientIp: string | null;
    readonly userAgent: string | null;
    /** The client's correlation id (its X-Correlation-Id / X-Request-Id), stored apart from the request id. */
    readonly correlationId?: string | null;
  };
  readonly response: { readonly status: number; readonly body: unknown };
  /** Null when the request failed before evaluating (e.g. unknown treeId). */
  readonly outcome: EvaluationOutcome | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/**
 * Persists evaluations. The response is sent only after `record` resolves, so what the client saw
 * is on disk. The audit module supplies the full recorder (request log, audit trail, decision
 * steps, group commit); this default stores promotion_history only.
 */
export interface EvaluationRecorder {
  record(record: EvaluationRecord): Promise<void>;
}

export function historyRow(record: EvaluationRecord): HistoryRow | null {
  const outcome = record.outcome;
  if (!outcome) return null;
  const run = outcome.chosen === null ? undefined : outcome.runs[outcome.chosen];
  return {
    id: newId(),
    customer_id: record.customerId,
    promotion_id: outcome.result.promotionId ?? (outcome.result.eligible ? 'UNNAMED' : 'NOT_ELIGIBLE'),
    promotion_result: toJson(outcome.result),
    executed_at: toDbTimestamp(record.finishedAt),
    request_id: record.requestId,
    tree_id: run?.treeId ?? null,
    tree_version: run?.version ?? null,
    eligible: outcome.result.eligible ? 1 : 0,
  };
}

export function createHistoryRecorder(db: Kysely<Tables>): EvaluationRecorder {
  return {
    async record(record) {
      const row = historyRow(record);
      if (row) await insertHistoryRows(db, [row]);
    },
  };
}
