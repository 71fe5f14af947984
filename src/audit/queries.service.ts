import type { Kysely } from 'kysely';
import type { DialectName } from '../platform/db/database.js';
import type { Tables } from '../platform/db/tables.js';
import { listCalls, listQueries, listSteps, listTrails } from './audit.repository.js';
import { detailedRows, summaryReport, type DetailedRow, type ReportFilter, type SummaryReport } from './report.js';
import { replay, type ReplayDeps, type ReplayReport } from './replay.js';
import { verifyChain, type VerifyReport } from './verify.js';

export interface AuditQueryDeps extends ReplayDeps {
  readonly db: Kysely<Tables>;
  readonly dialect: DialectName;
}

type Listed<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

/** The read side of the audit trail: what the `/api/v1/audit/*` routes call. */
export interface AuditQueries {
  trails(filter: Parameters<typeof listTrails>[1]): Promise<Listed<typeof listTrails>>;
  steps(filter: Parameters<typeof listSteps>[1]): Promise<Listed<typeof listSteps>>;
  calls(filter: Parameters<typeof listCalls>[1]): Promise<Listed<typeof listCalls>>;
  queries(filter: Parameters<typeof listQueries>[1]): Promise<Listed<typeof listQueries>>;
  /** Recompute the hash chain over a range of audit trails. */
  verify(range: Parameters<typeof verifyChain>[1]): Promise<VerifyReport>;
  summary(filter: ReportFilter): Promise<SummaryReport>;
  /** One row per evaluation, streamed in chunks (constant memory). */
  detailed(filter: ReportFilter): AsyncGenerator<DetailedRow>;
  replay(requestId: string, against: 'recorded' | 'latest'): Promise<ReplayReport>;
}

export function createAuditQueries(deps: AuditQueryDeps): AuditQueries {
  const { db } = deps;
  return {
    trails: (filter) => listTrails(db, filter),
    steps: (filter) => listSteps(db, filter),
    calls: (filter) => listCalls(db, filter),
    queries: (filter) => listQueries(db, filter),
    verify: (range) => verifyChain(db, range),
    summary: (filter) => summaryReport(db, deps.dialect, filter),
    detailed: (filter) => detailedRows(db, filter),
    replay: (requestId, against) => replay(deps, requestId, against),
  };
}
