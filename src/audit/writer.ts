import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { PromotionHistoryTable } from '../evaluation/evaluation.tables.js';
import { insertHistoryRows } from '../evaluation/recorder.js';
import type { DialectName } from '../platform/db/database.js';
import type { Tables } from '../platform/db/tables.js';
import type {
  AuditTrailsTable,
  DatabaseQueryLogsTable,
  DecisionStepsTable,
  ExternalCallLogsTable,
  RequestLogsTable,
  SystemEventsTable,
} from './audit.tables.js';
import { chainHash, trailContent } from './hash.js';

/** An audit trail row before the writer places it in the chain. */
export type TrailDraft = Omit<Insertable<AuditTrailsTable>, 'seq' | 'prev_hash' | 'hash'>;

/** Everything one request (or one management change / system event) writes, atomically. */
export interface AuditEntry {
  readonly requestLogs?: readonly Insertable<RequestLogsTable>[];
  readonly trails?: readonly TrailDraft[];
  readonly steps?: readonly Insertable<DecisionStepsTable>[];
  readonly calls?: readonly Insertable<ExternalCallLogsTable>[];
  readonly queries?: readonly Insertable<DatabaseQueryLogsTable>[];
  readonly events?: readonly Insertable<SystemEventsTable>[];
  readonly history?: readonly Insertable<PromotionHistoryTable>[];
}

export interface GroupWriterOptions {
  readonly batchSize: number;
  readonly flushMs: number;
  /** Called when an insert found no partition for its month (PostgreSQL); the batch is retried once. */
  readonly onMissingPartition?: () => Promise<unknown>;
}

interface Pending {
  readonly entry: AuditEntry;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface WriterStats {
  batches: number;
  records: number;
  failedRecords: number;
  isolations: number;
}

const CHUNK = 500;

/**
 * Group commit: entries from concurrent requests wait (at most `flushMs`, or until `batchSize` are
 * waiting) and are committed together in one transaction; each entry's promise resolves only once
 * its transaction committed. One batch is in flight at a time: whatever arrives meanwhile forms the
 * next batch, so under load batches grow by themselves and idle latency stays ~flushMs.
 *
 * A failed batch is retried entry by entry, once, so one bad record (a constraint violation)
 * fails only its own request and not the 63 others that shared its transaction.
 *
 * Hash chain: the batch transaction locks the one-row `audit_chain_head` (SELECT … FOR UPDATE on
 * PostgreSQL; SQLite has a single writer) after its other inserts, assigns consecutive `seq`
 * numbers, chains the hashes and advances the head. Writers in other processes queue on that row
 * lock, so the chain is one total order across all API nodes.
 */
export class GroupWriter {
  readonly stats: WriterStats = { batches: 0, records: 0, failedRecords: 0, isolations: 0 };
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
    private readonly options: GroupWriterOptions,
  ) {}

  write(entry: AuditEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit writer is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.schedule();
    });
  }

  /** Commit everything waiting, then stop accepting entries. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.inFlight || this.queue.length > 0) {
      if (!this.inFlight) this.run();
      await this.inFlight;
    }
  }

  private schedule(): void {
    if (this.inFlight) return;
    if (this.queue.length >= this.options.batchSize || this.options.flushMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.run();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.inFlight) this.run();
      }, this.options.flushMs);
    }
  }

  private run(): void {
    const batch = this.queue.splice(0, this.options.batchSize);
    if (batch.length === 0) return;
    this.inFlight = this.commitBatch(batch).finally(() => {
      this.inFlight = null;
      // Entries that arrived during the commit have already waited: flush them at once.
      if (this.queue.length > 0) this.run();
    });
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    try {
      await this.commitWithPartitionRetry(batch.map((p) => p.entry));
      this.stats.batches += 1;
      this.stats.records += batch.length;
      for (const p of batch) p.resolve();
      return;
    } catch (error) {
      if (batch.length === 1) {
        this.stats.failedRecords += 1;
        batch[0]?.reject(error);
        return;
      }
    }
    this.stats.isolations += 1;
    for (const p of batch) {
      try {
        await this.commitWithPartitionRetry([p.entry]);
        this.stats.batches += 1;
        this.stats.records += 1;
        p.resolve();
      } catch (error) {
        this.stats.failedRecords += 1;
        p.reject(error);
      }
    }
  }

  private async commitWithPartitionRetry(entries: readonly AuditEntry[]): Promise<void> {
    try {
      await this.commit(entries);
    } catch (error) {
      const missingPartition = (error as { code?: string }).code === '23514' && /no partition/i.test(String((error as Error).message));
      if (!missingPartition || !this.options.onMissingPartition) throw error;
      await this.options.onMissingPartition();
      await this.commit(entries);
    }
  }

  private async commit(entries: readonly AuditEntry[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await insertChunks(trx, 'request_logs', entries.flatMap((e) => e.requestLogs ?? []));
      await insertChunks(trx, 'decision_steps', entries.flatMap((e) => e.steps ?? []));
      await insertChunks(trx, 'external_call_logs', entries.flatMap((e) => e.calls ?? []));
      await insertChunks(trx, 'database_query_logs', entries.flatMap((e) => e.queries ?? []));
      await insertChunks(trx, 'system_events', entries.flatMap((e) => e.events ?? []));
      const history = entries.flatMap((e) => e.history ?? []);
      for (let i = 0; i < history.length; i += CHUNK) await insertHistoryRows(trx, history.slice(i, i + CHUNK));
      const drafts = entries.flatMap((e) => e.trails ?? []);
      if (drafts.length > 0) await this.appendToChain(trx, drafts);
    });
  }

  private async appendToChain(trx: Transaction<Tables>, drafts: readonly TrailDraft[]): Promise<void> {
    // Locked last so the lock is held only for the trail insert and the commit.
    const head =
      this.dialect === 'postgres'
        ? (await sql<{ seq: number; hash: string }>`select seq, hash from audit_chain_head where id = 1 for update`.execute(trx)).rows[0]
        : await trx.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    if (!head) throw new Error('audit_chain_head is missing (migration not applied?)');
    let seq = Number(head.seq);
    let hash = head.hash;
    const rows: Insertable<AuditTrailsTable>[] = drafts.map((draft) => {
      seq += 1;
      const prev = hash;
      const row = { ...draft, seq };
      hash = chainHash(prev, trailContent(row));
      return { ...row, prev_hash: prev, hash };
    });
    await insertChunks(trx, 'audit_trails', rows);
    await trx.updateTable('audit_chain_head').set({ seq, hash }).where('id', '=', 1).execute();
  }
}

type InsertableTable = 'request_logs' | 'decision_steps' | 'external_call_logs' | 'database_query_logs' | 'system_events' | 'audit_trails';

async function insertChunks<T extends InsertableTable>(trx: Transaction<Tables>, table: T, rows: readonly Insertable<Tables[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
  }
}
