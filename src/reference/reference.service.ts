import type { Kysely } from 'kysely';
import type { ChangeRecorder, RequestContext } from '../platform/changes.js';
import { newId } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { invalidContent } from '../platform/diagnostics.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type Page } from '../platform/paging.js';
import type { CsvProblem } from './csv.js';
import { BLACKLIST_DATASET, blacklistRows, DATASET_NAME, HOLDINGS_DATASET, holdingRows, referenceRows } from './import.js';
import { BUILT_IN_BY_NAME, BUILT_IN_QUERIES, checkQuery, type NamedQuery, type QueryMode, type QuerySource } from './queries.js';
import * as repo from './reference.repository.js';
import type { NamedQueryInput, NamedQueryView } from './reference.schema.js';

export type DatasetKind = 'BLACKLIST' | 'PRODUCT_HOLDINGS' | 'REFERENCE';
const kindOf = (dataset: string): DatasetKind =>
  dataset === BLACKLIST_DATASET ? 'BLACKLIST' : dataset === HOLDINGS_DATASET ? 'PRODUCT_HOLDINGS' : 'REFERENCE';

export interface ImportOutcome {
  readonly dataset: string;
  readonly kind: DatasetKind;
  readonly mode: 'replace' | 'append';
  readonly imported: number;
  readonly removed: number;
  readonly totalRows: number;
}

export interface ReferenceService {
  importCsv(dataset: string, csv: string, options: { mode: 'replace' | 'append'; keyColumn?: string | undefined }, ctx: RequestContext): Promise<ImportOutcome>;
  datasets(): Promise<{ dataset: string; kind: DatasetKind; rows: number; updatedAt: string | null }[]>;
  rows(dataset: string, page: number, size: number): Promise<Page<Record<string, unknown>>>;
  deleteDataset(dataset: string, ctx: RequestContext): Promise<number>;
  listQueries(): Promise<NamedQueryView[]>;
  getQuery(name: string): Promise<NamedQueryView>;
  createQuery(input: NamedQueryInput, ctx: RequestContext): Promise<NamedQueryView>;
  updateQuery(name: string, input: NamedQueryInput, ctx: RequestContext): Promise<NamedQueryView>;
  removeQuery(name: string, ctx: RequestContext): Promise<void>;
  /** A query by name (built-in first), for DATABASE_QUERY nodes. */
  resolveQuery(name: string): Promise<NamedQuery | undefined>;
  /** Run a named query with bound parameters (all strings). Read-only. */
  run(query: NamedQuery, params: Readonly<Record<string, string>>): Promise<repo.QueryAnswer>;
}

const MAX_LISTED_PROBLEMS = 100;

function rejectProblems(dataset: string, problems: readonly CsvProblem[]): AppError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const first = sorted[0];
  return new AppError(
    'VALIDATION_FAILED',
    {
      zh: `CSV 匯入失敗 (${dataset}): 第 ${first?.line ?? 0} 行: ${first?.message ?? ''}${sorted.length > 1 ? `（共 ${sorted.length} 個問題）` : ''}`,
      en: `CSV import failed (${dataset}): line ${first?.line ?? 0}: ${first?.message ?? ''}${sorted.length > 1 ? ` (${sorted.length} problems)` : ''}`,
    },
    { errors: sorted.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({ field: `line ${p.line}`, message: p.message, code: 'CSV_ROW' })) },
  );
}

const view = (q: NamedQuery): NamedQueryView => ({
  name: q.name,
  source: q.source,
  mode: q.mode,
  parameters: [...q.parameters],
  filters: { ...q.filters },
  description: q.description,
  builtIn: q.builtIn,
});
const fromRow = (r: repo.NamedQueryRow): NamedQuery => ({
  name: r.name,
  source: r.source as QuerySource,
  mode: r.mode as QueryMode,
  parameters: r.parameters,
  filters: r.filters,
  description: r.description,
  builtIn: false,
});

export function createReferenceService(deps: { db: Kysely<Tables>; changes: ChangeRecorder }): ReferenceService {
  const { db } = deps;
  const queryNotFound = (name: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `查詢不存在: ${name}`, en: `Named query not found: ${name}` });
  const builtInReadOnly = (name: string) =>
    new AppError('BUSINESS_RULE_VIOLATION', { zh: `內建查詢不可修改或刪除: ${name}`, en: `Built-in query '${name}' cannot be changed or deleted` });

  function validateQuery(input: NamedQueryInput): repo.NamedQueryWrite {
    const write = {
      name: input.name,
      source: input.source,
      mode: input.mode,
      parameters: input.parameters,
      filters: input.filters ?? {},
      description: input.description ?? null,
    };
    const problems = checkQuery(write);
    if (problems.length > 0) throw invalidContent({ zh: '查詢定義', en: 'Named query' }, problems, '');
    return write;
  }

  async function resolveQuery(name: string): Promise<NamedQuery | undefined> {
    const builtIn = BUILT_IN_BY_NAME.get(name);
    if (builtIn) return builtIn;
    const row = await repo.findNamedQuery(db, name);
    return row ? fromRow(row) : undefined;
  }

  return {
    async importCsv(dataset, csv, options, ctx) {
      if (!DATASET_NAME.test(dataset)) throw new AppError('INVALID_REQUEST', { zh: `資料集名稱不正確: ${dataset}`, en: `Invalid dataset name: ${dataset}` });
      const kind = kindOf(dataset);
      const outcome = await db.transaction().execute(async (tx) => {
        if (kind === 'BLACKLIST') {
          const { rows, problems } = blacklistRows(csv);
          if (problems.length > 0) throw rejectProblems(dataset, problems);
          const removed = options.mode === 'replace' ? await repo.clearBlacklist(tx) : 0;
          await repo.insertBlacklist(tx, rows);
          return { imported: rows.length, removed, totalRows: await repo.countBlacklist(tx) };
        }
        if (kind === 'PRODUCT_HOLDINGS') {
          const { rows, problems } = holdingRows(csv);
          if (problems.length > 0) throw rejectProblems(dataset, problems);
          const removed = options.mode === 'replace' ? await repo.clearHoldings(tx) : 0;
          await repo.insertHoldings(tx, rows);
          return { imported: rows.length, removed, totalRows: await repo.countHoldings(tx) };
        }
        const { rows, problems } = referenceRows(csv, options.keyColumn);
        if (problems.length > 0) throw rejectProblems(dataset, problems);
        const removed = options.mode === 'replace' ? await repo.clearDataset(tx, dataset) : 0;
        await repo.upsertReferenceRows(tx, dataset, rows);
        return { imported: rows.length, removed, totalRows: (await repo.pageDataset(tx, dataset, 0, 1)).total };
      });
      const result: ImportOutcome = { dataset, kind, mode: options.mode, ...outcome };
      await deps.changes.record({
        entity: 'REFERENCE_DATA',
        entityId: dataset,
        action: 'UPDATE',
        actor: ctx.actor,
        requestId: ctx.requestId,
        before: null,
        after: result,
      });
      return result;
    },
    async datasets() {
      const generic = await repo.referenceDatasets(db);
      return [
        { dataset: BLACKLIST_DATASET, kind: 'BLACKLIST' as const, rows: await repo.countBlacklist(db), updatedAt: null },
        { dataset: HOLDINGS_DATASET, kind: 'PRODUCT_HOLDINGS' as const, rows: await repo.countHoldings(db), updatedAt: null },
        ...generic.map((d) => ({ ...d, kind: 'REFERENCE' as const })),
      ];
    },
    async rows(dataset, page, size) {
      const kind = kindOf(dataset);
      const { rows, total }: { rows: Record<string, unknown>[]; total: number } =
        kind === 'BLACKLIST'
          ? await repo.pageBlacklist(db, page, size)
          : kind === 'PRODUCT_HOLDINGS'
            ? await repo.pageHoldings(db, page, size)
            : await repo.pageDataset(db, dataset, page, size);
      if (kind === 'REFERENCE' && total === 0)
        throw new AppError('RESOURCE_NOT_FOUND', { zh: `資料集不存在: ${dataset}`, en: `Dataset not found: ${dataset}` });
      return pageOf(rows, page, size, total);
    },
    async deleteDataset(dataset, ctx) {
      const kind = kindOf(dataset);
      const removed =
        kind === 'BLACKLIST'
          ? await repo.clearBlacklist(db)
          : kind === 'PRODUCT_HOLDINGS'
            ? await repo.clearHoldings(db)
            : await repo.clearDataset(db, dataset);
      if (kind === 'REFERENCE' && removed === 0)
        throw new AppError('RESOURCE_NOT_FOUND', { zh: `資料集不存在: ${dataset}`, en: `Dataset not found: ${dataset}` });
      await deps.changes.record({
        entity: 'REFERENCE_DATA',
        entityId: dataset,
        action: 'DELETE',
        actor: ctx.actor,
        requestId: ctx.requestId,
        before: { rows: removed },
        after: null,
      });
      return removed;
    },
    async listQueries() {
      return [...BUILT_IN_QUERIES.map(view), ...(await repo.listNamedQueries(db)).map((r) => view(fromRow(r)))];
    },
    async getQuery(name) {
      const q = await resolveQuery(name);
      if (!q) throw queryNotFound(name);
      return view(q);
    },
    async createQuery(input, ctx) {
      const write = validateQuery(input);
      if (BUILT_IN_BY_NAME.has(write.name) || (await repo.findNamedQuery(db, write.name))) {
        throw new AppError('DUPLICATE_RESOURCE', { zh: `查詢名稱已存在: ${write.name}`, en: `A named query '${write.name}' already exists` });
      }
      const id = newId();
      await repo.insertNamedQuery(db, id, write, ctx.actor?.username ?? null);
      const after = await this.getQuery(write.name);
      await deps.changes.record({ entity: 'NAMED_QUERY', entityId: id, action: 'CREATE', actor: ctx.actor, requestId: ctx.requestId, before: null, after });
      return after;
    },
    async updateQuery(name, input, ctx) {
      if (BUILT_IN_BY_NAME.has(name)) throw builtInReadOnly(name);
      const before = await repo.findNamedQuery(db, name);
      if (!before) throw queryNotFound(name);
      const write = validateQuery(input);
      if (write.name !== name && (BUILT_IN_BY_NAME.has(write.name) || (await repo.findNamedQuery(db, write.name)))) {
        throw new AppError('DUPLICATE_RESOURCE', { zh: `查詢名稱已存在: ${write.name}`, en: `A named query '${write.name}' already exists` });
      }
      await repo.updateNamedQuery(db, before.id, write, ctx.actor?.username ?? null);
      const after = await this.getQuery(write.name);
      await deps.changes.record({ entity: 'NAMED_QUERY', entityId: before.id, action: 'UPDATE', actor: ctx.actor, requestId: ctx.requestId, before, after });
      return after;
    },
    async removeQuery(name, ctx) {
      if (BUILT_IN_BY_NAME.has(name)) throw builtInReadOnly(name);
      const before = await repo.findNamedQuery(db, name);
      if (!before) throw queryNotFound(name);
      await repo.softDeleteNamedQuery(db, before.id, ctx.actor?.username ?? null);
      await deps.changes.record({
        entity: 'NAMED_QUERY',
        entityId: before.id,
        action: 'DELETE',
        actor: ctx.actor,
        requestId: ctx.requestId,
        before,
        after: null,
      });
    },
    resolveQuery,
    async run(query, params) {
      const where = { ...params, ...query.filters };
      switch (query.source) {
        case 'BLACKLIST':
          return repo.queryBlacklist(db, where, query.mode);
        case 'PRODUCT_HOLDINGS':
          return repo.queryHoldings(db, where, query.mode);
        case 'REFERENCE':
          return repo.queryReference(db, where, query.mode);
      }
    },
  };
}
