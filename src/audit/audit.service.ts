import type { Database } from '../platform/db/database.js';
import type { EvaluationRecorder } from '../evaluation/index.js';
import type { ChangeRecorder } from '../platform/changes.js';
import type { AuditConfig } from '../platform/config.js';
import type { LoginRecorder } from '../platform/http/auth.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { changeEntry, evaluationEntry, eventRow, loginEntry, type SystemEvent } from './entries.js';
import { ensureUpcomingPartitions } from './partitions.js';
import { runRetention, type RetentionReport } from './retention.js';
import { GroupWriter, type AuditEntry } from './writer.js';

export interface AuditModule {
  readonly writer: GroupWriter;
  readonly recorder: EvaluationRecorder;
  readonly changes: ChangeRecorder;
  readonly logins: LoginRecorder;
  /** Record a system event; resolves when committed (failures are logged, never thrown). */
  emit(event: SystemEvent): Promise<void>;
  retention(now?: Date): Promise<RetentionReport>;
  /** Start the periodic retention / partition job (role all or scheduler). */
  startScheduler(): void;
  /** Entries waiting for a retry (best-effort mode). */
  readonly retryQueueLength: number;
  close(): Promise<void>;
}

/** Failed logins per username+IP at which a SECURITY event is raised (and every multiple of it). */
const BURST = 5;

export function createAuditModule(deps: { database: Database; config: AuditConfig; logger: Logger }): AuditModule {
  const { database, config, logger } = deps;
  const { db, dialect } = database;
  const ensureAhead = () => ensureUpcomingPartitions(db, config.partitionMonthsAhead);
  const writer = new GroupWriter(db, dialect, {
    batchSize: config.batchSize,
    flushMs: config.flushMs,
    maxInFlight: dialect === 'postgres' ? config.maxInFlight : 1,
    sqlite: database.sqlite,
    pg: database.pg,
    ...(dialect === 'postgres' ? { onMissingPartition: ensureAhead } : {}),
  });
  const retryQueue: AuditEntry[] = [];
  let retryTimer: NodeJS.Timeout | undefined;
  let schedulerTimer: NodeJS.Timeout | undefined;

  function queueForRetry(entry: AuditEntry, error: unknown): void {
    if (retryQueue.length >= config.retryQueueSize) {
      logger.error({ err: error, queued: retryQueue.length }, 'audit retry queue full: audit record dropped');
      return;
    }
    retryQueue.push(entry);
    retryTimer ??= setTimeout(retryNow, 1000);
    retryTimer.unref();
  }

  function retryNow(): void {
    retryTimer = undefined;
    const entries = retryQueue.splice(0, retryQueue.length);
    for (const entry of entries) writer.write(entry).catch((error: unknown) => queueForRetry(entry, error));
  }

  /** Background write (best-effort mode, logins, events): never throws into the caller. */
  function background(entry: AuditEntry, what: string): Promise<void> {
    return writer.write(entry).catch((error: unknown) => {
      logger.error({ err: error, what }, 'audit write failed; queued for retry');
      queueForRetry(entry, error);
    });
  }

  const recorder: EvaluationRecorder = {
    async record(record) {
      const entry = evaluationEntry(record);
      if (config.mode === 'best-effort') {
        void background(entry, 'evaluation');
        return;
      }
      try {
        await writer.write(entry);
      } catch (error) {
        logger.error({ err: error, requestId: record.requestId }, 'audit write failed: evaluation not answered');
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          { zh: '稽核紀錄無法寫入，評估結果未回傳，請稍後再試', en: 'The audit trail could not be written, so the evaluation was not answered; retry later' },
          { cause: error },
        );
      }
    },
  };

  const changes: ChangeRecorder = {
    // The change itself is already committed by its service; a failed audit write is logged loudly.
    record: (change) => background(changeEntry(change), 'management change'),
  };

  const logins: LoginRecorder = {
    loginSucceeded(principal, request) {
      void background(loginEntry('LOGIN_SUCCESS', principal.username, request), 'login');
    },
    loginFailed(username, request, failures) {
      void background(loginEntry('LOGIN_FAILED', username, request, failures), 'failed login');
      if (failures >= BURST && failures % BURST === 0) {
        void emit({
          type: 'SECURITY',
          category: 'SECURITY',
          severity: failures >= BURST * 2 ? 'CRITICAL' : 'WARN',
          source: 'http.auth',
          details: { reason: 'FAILED_LOGIN_BURST', username, clientIp: request.ip, failures },
          correlationId: request.id,
        });
      }
    },
    loginThrottled(username, request, verdict) {
      void emit({
        type: 'SECURITY',
        category: 'SECURITY',
        severity: 'WARN',
        source: 'http.auth',
        details: {
          reason: 'LOGIN_THROTTLED',
          username: username.slice(0, 100),
          clientIp: request.ip,
          limitedBy: verdict.limitedBy,
          attempts: verdict.attempts,
          retryAfterSeconds: verdict.retryAfterSeconds,
        },
        correlationId: request.id,
      });
    },
  };

  function emit(event: SystemEvent): Promise<void> {
    return background({ events: [eventRow(event)] }, `system event ${event.type}`);
  }

  async function retention(now = new Date()): Promise<RetentionReport> {
    const report = await runRetention(db, dialect, config, now);
    await emit({ type: 'RETENTION', category: 'SYSTEM', severity: 'INFO', source: 'audit.retention', details: report });
    return report;
  }

  return {
    writer,
    recorder,
    changes,
    logins,
    emit,
    retention,
    get retryQueueLength() {
      return retryQueue.length;
    },
    startScheduler() {
      if (schedulerTimer) return;
      const tick = () => {
        retention().then(
          (report) => logger.info({ dropped: report.droppedPartitions, deleted: report.deletedRows }, 'audit retention ran'),
          (error: unknown) => logger.error({ err: error }, 'audit retention failed'),
        );
      };
      schedulerTimer = setInterval(tick, config.retentionIntervalMs);
      schedulerTimer.unref();
      tick();
    },
    async close() {
      if (schedulerTimer) clearInterval(schedulerTimer);
      if (retryTimer) clearTimeout(retryTimer);
      if (retryQueue.length > 0) retryNow();
      await writer.close();
      const { batches, records } = writer.stats;
      logger.info({ ...writer.stats, recordsPerBatch: batches > 0 ? Math.round((records / batches) * 10) / 10 : 0 }, 'audit writer statistics');
    },
  };
}
