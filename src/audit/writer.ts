import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { HistoryRow } from '../evaluation/index.js';
import type { DialectName } from '../platform/db/database.js';
import type { Tables } from '../platform/db/tables.js';
import { isMissingPartition } from '../platform/db/errors.js';
import { AppError, internalError } from '../platform/errors.js';
import type {
  AuditTrailsTable,
  DatabaseQueryLogsTable,
  DecisionStepsTable,
  ExternalCallLogsTable,
  RequestLogsTable,
  SystemEventsTable,
} from './audit.tables.js';
import { chainHash, HASH_VERSION, trailDigest } from './hash.js';
import { BATCH, chainQuery, partsOf, rowsQuery, type BatchPart } from './pg-batch.js';

/** An audit trail row before the writer places it in the chain. */
export type TrailDraft = Omit<Insertable<AuditTrailsTable>, 'seq' | 'prev_hash' | 'hash' | 'hash_version'>;

/** Everything one request (or one management change / system event) writes, atomically. */
export interface AuditEntry {
  readonly requestLogs?: readonly Insertable<RequestLogsTable>[];
  readonly trails?: readonly TrailDraft[];
  readonly steps?: readonly Insertable<DecisionStepsTable>[];
  readonly calls?: readonly Insertable<ExternalCallLogsTable>[];
  readonly queries?: readonly Insertable<DatabaseQueryLogsTable>[];
  readonly events?: readonly Insertable<SystemEventsTable>[];
  readonly history?: readonly HistoryRow[];
}

export interface GroupWriterOptions {
  readonly batchSize: number;
  readonly flushMs: number;
  /**
   * Batches committing at once. SQLite: 1 (one writer). PostgreSQL: a few, so one batch inserts
   * while another waits for its commit's fsync; the chain-head row lock still orders them.
   */
  readonly maxInFlight?: number;
  /** SQLite's raw connection: batches are then written synchronously with cached prepared statements. */
  readonly sqlite?: SQLite.Database | undefined;
  /**
   * PostgreSQL's pool: batches are then written with constant-text named prepared statements over
   * arrays (`pg-batch.ts`) on a client of their own, instead of Kysely multi-row VALUES inserts.
   */
  readonly pg?: pg.Pool | undefined;
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
 * its transaction committed. At most `maxInFlight` batches commit at once; whatever arrives
 * meanwhile forms the next batch, so under load batches grow by themselves and idle latency stays
 * ~flushMs.
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
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
    private readonly options: GroupWriterOptions,
  ) {}

  write(entry: AuditEntry): Promise<void> {
    if (this.closed)
      return Promise.reject(new AppError('SERVICE_UNAVAILABLE', { zh: '稽核紀錄已關閉 (服務關閉中)', en: 'The audit writer is closed (shutting down)' }));
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
    while (this.running.size > 0 || this.queue.length > 0) {
      if (this.running.size === 0) this.run();
      await Promise.race(this.running);
    }
  }

  private get saturated(): boolean {
    return this.running.size >= (this.options.maxInFlight ?? 1);
  }

  private schedule(): void {
    if (this.saturated) return;
    if (this.queue.length >= this.options.batchSize || this.options.flushMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.run();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.saturated) this.run();
      }, this.options.flushMs);
    }
  }

  private run(): void {
    const batch = this.queue.splice(0, this.options.batchSize);
    if (batch.length === 0) return;
    const done: Promise<void> = this.commitBatch(batch).finally(() => {
      this.running.delete(done);
      // Entries that arrived during the commit have already waited: flush them at once.
      if (this.queue.length > 0 && !this.saturated) this.run();
    });
    this.running.add(done);
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
      if (!isMissingPartition(error) || !this.options.onMissingPartition) throw error;
      await this.options.onMissingPartition();
      await this.commit(entries);
    }
  }

  private readonly statements = new Map<string, SQLite.Statement>();

  private async commit(entries: readonly AuditEntry[]): Promise<void> {
    const raw = this.options.sqlite;
    // Inside someone else's Kysely transaction better-sqlite3 would nest ours as a savepoint of
    // theirs; take the Kysely path then, which waits for the connection.
    if (raw && !raw.inTransaction) {
      raw.transaction(() => this.commitSqlite(raw, entries)).immediate();
      return;
    }
    if (this.options.pg && this.dialect === 'postgres') {
      await this.commitPostgres(this.options.pg, entries);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      const parts = partsOf(entries);
      await insertAll(
        trx,
        this.dialect,
        BATCH.map(({ recordset }, i) => [recordset.table, parts[i] ?? []]),
      );
      const drafts = entries.flatMap((e) => e.trails ?? []);
      if (drafts.length > 0) await this.appendToChain(trx, drafts);
    });
  }

  /**
   * The whole batch is ONE autocommit statement (`pg-batch.ts`): no BEGIN / COMMIT round trips, and
   * the chain-head lock is taken and released inside PostgreSQL, never held across a round trip.
   * The trails' digests are computed here, before the lock; PostgreSQL chains them.
   */
  private async commitPostgres(pool: pg.Pool, entries: readonly AuditEntry[]): Promise<void> {
    const parts = partsOf(entries);
    const drafts = entries.flatMap((e) => e.trails ?? []);
    if (drafts.length > 0) {
      await pool.query(
        chainQuery(
          parts,
          drafts.map((row) => ({ row, digest: trailDigest(row) })),
        ),
      );
    } else if (parts.some((rows) => rows.length > 0)) {
      await pool.query(rowsQuery(parts));
    }
  }

  private commitSqlite(raw: SQLite.Database, entries: readonly AuditEntry[]): void {
    const insert = (table: InsertableTable, rows: readonly object[]) => sqliteInsert(raw, this.statements, table, rows);
    const parts = partsOf(entries);
    BATCH.forEach(({ recordset }, i) => insert(recordset.table, parts[i] ?? []));
    const drafts = entries.flatMap((e) => e.trails ?? []);
    if (drafts.length === 0) return;
    const head = raw.prepare('select seq, hash from audit_chain_head where id = 1').get() as { seq: number; hash: string } | undefined;
    if (!head) throw internalError('audit_chain_head is missing (migration not applied?)');
    const { rows, seq, hash } = chain(head, drafts);
    insert('audit_trails', rows);
    raw.prepare('update audit_chain_head set seq = ?, hash = ? where id = 1').run(seq, hash);
  }

  private async appendToChain(trx: Transaction<Tables>, drafts: readonly TrailDraft[]): Promise<void> {
    // Locked last so the lock is held only for the trail insert and the commit.
    const head =
      this.dialect === 'postgres'
        ? (await sql<{ seq: number; hash: string }>`select seq, hash from audit_chain_head where id = 1 for update`.execute(trx)).rows[0]
        : await trx.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    if (!head) throw internalError('audit_chain_head is missing (migration not applied?)');
    const { rows, seq, hash } = chain(head, drafts);
    // One round trip for the trails and the head: the lock is held for as short a time as possible.
    const last = rows.slice(-CHUNK);
    await insertChunks(trx, 'audit_trails', rows.slice(0, rows.length - last.length));
    await sql`with t as (${trx.insertInto('audit_trails').values(last)}) update audit_chain_head set seq = ${seq}, hash = ${hash} where id = 1`.execute(trx);
  }
}

/** Place drafts after the chain head: consecutive seq numbers, each hash chained from the one before. */
function chain(head: { seq: number; hash: string }, drafts: readonly TrailDraft[]): { rows: Insertable<AuditTrailsTable>[]; seq: number; hash: string } {
  let seq = Number(head.seq);
  let hash = head.hash;
  const rows = drafts.map((draft) => {
    seq += 1;
    const prev = hash;
    hash = chainHash(prev, seq, trailDigest(draft));
    return { ...draft, seq, prev_hash: prev, hash, hash_version: HASH_VERSION };
  });
  return { rows, seq, hash };
}

/** Row-at-a-time inserts through cached prepared statements, inside one SQLite transaction. */
function sqliteInsert(raw: SQLite.Database, cache: Map<string, SQLite.Statement>, table: InsertableTable, rows: readonly object[]): void {
  for (const row of rows) {
    const columns = Object.keys(row);
    const key = `${table}(${columns.join(',')})`;
    let statement = cache.get(key);
    if (!statement) {
      statement = raw.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      cache.set(key, statement);
    }
    statement.run(...Object.values(row).map((v: unknown) => (v === undefined ? null : v)));
  }
}

/** A batch table, or the trails (written after them, in the chain). */
type InsertableTable = BatchPart | 'audit_trails';

/**
 * Insert rows into several tables in as few statements as possible: data-modifying CTEs
 * (`with a as (insert …), b as (insert …) insert …`) on PostgreSQL, so a batch costs one round trip
 * instead of one per table; separate statements on SQLite (no DML in CTEs).
 */
async function insertAll(trx: Transaction<Tables>, dialect: DialectName, parts: readonly (readonly [InsertableTable, readonly object[]])[]): Promise<void> {
  const statements: ReturnType<typeof insertQuery>[][] = [[]];
  let params = 0;
  for (const [table, rows] of parts) {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const count = chunk.length * Object.keys(chunk[0] ?? {}).length;
      // PostgreSQL allows 65,535 parameters per statement.
      if (params + count > 30_000) {
        statements.push([]);
        params = 0;
      }
      params += count;
      statements[statements.length - 1]?.push(insertQuery(trx, table, chunk));
    }
  }
  for (const queries of statements) {
    const [last, ...ctes] = [...queries].reverse();
    if (!last) continue;
    if (dialect === 'sqlite' || ctes.length === 0) {
      for (const q of queries) await q.execute();
      continue;
    }
    const withs = sql.join(ctes.map((q, i) => sql`${sql.raw(`w${i}`)} as (${q})`));
    await sql`with ${withs} ${last}`.execute(trx);
  }
}

function insertQuery(trx: Transaction<Tables>, table: InsertableTable, rows: readonly object[]) {
  return trx.insertInto(table).values(rows as never);
}

async function insertChunks<T extends InsertableTable>(trx: Transaction<Tables>, table: T, rows: readonly Insertable<Tables[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
  }
}
