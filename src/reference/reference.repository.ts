import type { Kysely, Selectable, Transaction } from 'kysely';
import { fromDbTimestamp, fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import type { QueryMode } from './queries.js';
import type { CustomerBlacklistTable, NamedQueryTable, ProductHoldingTable, ReferenceRowTable } from './reference.tables.js';

type Db = Kysely<Tables> | Transaction<Tables>;

/** At most this many rows come back from a LIST query (a node needs a few, not a table). */
export const LIST_LIMIT = 100;

export interface QueryAnswer {
  readonly found: boolean;
  readonly rowCount: number;
  readonly rows?: readonly Record<string, unknown>[];
  readonly row?: Record<string, unknown> | null;
  readonly count?: number;
}

const blacklistRow = (r: Selectable<CustomerBlacklistTable>) => ({
  customerId: r.customer_id,
  reason: r.reason,
  listedAt: fromDbTimestamp(r.listed_at),
  source: r.source,
});
const holdingRow = (r: Selectable<ProductHoldingTable>) => ({
  customerId: r.customer_id,
  productType: r.product_type,
  productId: r.product_id,
  openedAt: fromDbTimestamp(r.opened_at),
  status: r.status,
});
const referenceRow = (r: Selectable<ReferenceRowTable>) => ({ ...fromJson<Record<string, unknown>>(r.data), key: r.row_key });

/** Shape rows by mode. `rows` are at most LIST_LIMIT (+1 for EXISTS/FIRST decisions). */
function answer(mode: QueryMode, rows: Record<string, unknown>[], count?: number): QueryAnswer {
  switch (mode) {
    case 'EXISTS':
      return { found: rows.length > 0, rowCount: rows.length };
    case 'FIRST':
      return { found: rows.length > 0, rowCount: rows.length, row: rows[0] ?? null };
    case 'COUNT':
      return { found: (count ?? 0) > 0, rowCount: count ?? 0, count: count ?? 0 };
    case 'LIST':
      return { found: rows.length > 0, rowCount: rows.length, rows };
  }
}

const limitFor = (mode: QueryMode): number => (mode === 'LIST' ? LIST_LIMIT : 1);

export async function queryBlacklist(db: Db, where: Readonly<Record<string, string>>, mode: QueryMode): Promise<QueryAnswer> {
  let q = db.selectFrom('customer_blacklist');
  if (where.customerId !== undefined) q = q.where('customer_id', '=', where.customerId);
  if (where.source !== undefined) q = q.where('source', '=', where.source);
  if (mode === 'COUNT') return answer(mode, [], Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
  return answer(mode, (await q.selectAll().orderBy('listed_at', 'desc').orderBy('id').limit(limitFor(mode)).execute()).map(blacklistRow));
}

export async function queryHoldings(db: Db, where: Readonly<Record<string, string>>, mode: QueryMode): Promise<QueryAnswer> {
  let q = db.selectFrom('product_holdings');
  if (where.customerId !== undefined) q = q.where('customer_id', '=', where.customerId);
  if (where.productType !== undefined) q = q.where('product_type', '=', where.productType);
  if (where.productId !== undefined) q = q.where('product_id', '=', where.productId);
  if (where.status !== undefined) q = q.where('status', '=', where.status);
  if (mode === 'COUNT') return answer(mode, [], Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
  return answer(mode, (await q.selectAll().orderBy('product_type').orderBy('id').limit(limitFor(mode)).execute()).map(holdingRow));
}

export async function queryReference(db: Db, where: Readonly<Record<string, string>>, mode: QueryMode): Promise<QueryAnswer> {
  let q = db.selectFrom('reference_rows');
  if (where.dataset !== undefined) q = q.where('dataset', '=', where.dataset);
  if (where.key !== undefined) q = q.where('row_key', '=', where.key);
  if (mode === 'COUNT') return answer(mode, [], Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
  return answer(mode, (await q.selectAll().orderBy('row_key').limit(limitFor(mode)).execute()).map(referenceRow));
}

// --- imports ------------------------------------------------------------------------------------

const CHUNK = 500;

export async function insertBlacklist(db: Db, rows: readonly Selectable<CustomerBlacklistTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('customer_blacklist')
      .values(rows.slice(i, i + CHUNK))
      .execute();
}

export async function insertHoldings(db: Db, rows: readonly Selectable<ProductHoldingTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('product_holdings')
      .values(rows.slice(i, i + CHUNK))
      .execute();
}

/** Upsert by key: rows whose key exists are replaced. */
export async function upsertReferenceRows(db: Db, dataset: string, rows: readonly { key: string; data: Record<string, unknown> }[]): Promise<void> {
  const now = toDbTimestamp();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await db
      .deleteFrom('reference_rows')
      .where('dataset', '=', dataset)
      .where(
        'row_key',
        'in',
        chunk.map((r) => r.key),
      )
      .execute();
    await db
      .insertInto('reference_rows')
      .values(chunk.map((r) => ({ dataset, row_key: r.key, data: toJson(r.data), imported_at: now })))
      .execute();
  }
}

export async function clearBlacklist(db: Db): Promise<number> {
  return Number((await db.deleteFrom('customer_blacklist').executeTakeFirst()).numDeletedRows);
}
export async function clearHoldings(db: Db): Promise<number> {
  return Number((await db.deleteFrom('product_holdings').executeTakeFirst()).numDeletedRows);
}
export async function clearDataset(db: Db, dataset: string): Promise<number> {
  return Number((await db.deleteFrom('reference_rows').where('dataset', '=', dataset).executeTakeFirst()).numDeletedRows);
}

export async function countBlacklist(db: Db): Promise<number> {
  return Number(
    (
      await db
        .selectFrom('customer_blacklist')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}
export async function countHoldings(db: Db): Promise<number> {
  return Number(
    (
      await db
        .selectFrom('product_holdings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

export async function referenceDatasets(db: Db): Promise<{ dataset: string; rows: number; updatedAt: string | null }[]> {
  const rows = await db
    .selectFrom('reference_rows')
    .select((eb) => ['dataset', eb.fn.countAll<number>().as('n'), eb.fn.max('imported_at').as('at')])
    .groupBy('dataset')
    .orderBy('dataset')
    .execute();
  return rows.map((r) => ({ dataset: r.dataset, rows: Number(r.n), updatedAt: fromDbTimestamp(r.at as string | null) }));
}

export async function pageBlacklist(db: Db, page: number, size: number) {
  const rows = await db
    .selectFrom('customer_blacklist')
    .selectAll()
    .orderBy('customer_id')
    .orderBy('id')
    .limit(size)
    .offset(page * size)
    .execute();
  return { rows: rows.map(blacklistRow), total: await countBlacklist(db) };
}
export async function pageHoldings(db: Db, page: number, size: number) {
  const rows = await db
    .selectFrom('product_holdings')
    .selectAll()
    .orderBy('customer_id')
    .orderBy('id')
    .limit(size)
    .offset(page * size)
    .execute();
  return { rows: rows.map(holdingRow), total: await countHoldings(db) };
}
export async function pageDataset(db: Db, dataset: string, page: number, size: number) {
  const q = db.selectFrom('reference_rows').where('dataset', '=', dataset);
  const rows = await q
    .selectAll()
    .orderBy('row_key')
    .limit(size)
    .offset(page * size)
    .execute();
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { rows: rows.map(referenceRow), total };
}

// --- named queries ------------------------------------------------------------------------------

export interface NamedQueryRow {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly mode: string;
  readonly parameters: string[];
  readonly filters: Record<string, string>;
  readonly description: string | null;
  readonly updatedAt: string;
}

const namedQuery = (r: Selectable<NamedQueryTable>): NamedQueryRow => ({
  id: r.id,
  name: r.name,
  source: r.source,
  mode: r.mode,
  parameters: fromJson<string[]>(r.parameters),
  filters: fromJson<Record<string, string>>(r.filters),
  description: r.description,
  updatedAt: fromDbTimestamp(r.updated_at) ?? '',
});

export async function listNamedQueries(db: Db): Promise<NamedQueryRow[]> {
  return (await db.selectFrom('named_queries').selectAll().where('deleted_at', 'is', null).orderBy('name').execute()).map(namedQuery);
}

export async function findNamedQuery(db: Db, name: string): Promise<NamedQueryRow | undefined> {
  const row = await db.selectFrom('named_queries').selectAll().where('deleted_at', 'is', null).where('name', '=', name).executeTakeFirst();
  return row ? namedQuery(row) : undefined;
}

export interface NamedQueryWrite {
  readonly name: string;
  readonly source: string;
  readonly mode: string;
  readonly parameters: readonly string[];
  readonly filters: Readonly<Record<string, string>>;
  readonly description: string | null;
}

export async function insertNamedQuery(db: Db, id: string, q: NamedQueryWrite, actor: string | null): Promise<void> {
  const now = toDbTimestamp();
  await db
    .insertInto('named_queries')
    .values({
      id,
      name: q.name,
      source: q.source,
      mode: q.mode,
      parameters: toJson(q.parameters),
      filters: toJson(q.filters),
      description: q.description,
      created_by: actor,
      updated_by: actor,
      deleted_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateNamedQuery(db: Db, id: string, q: NamedQueryWrite, actor: string | null): Promise<void> {
  await db
    .updateTable('named_queries')
    .set({
      name: q.name,
      source: q.source,
      mode: q.mode,
      parameters: toJson(q.parameters),
      filters: toJson(q.filters),
      description: q.description,
      updated_by: actor,
      updated_at: toDbTimestamp(),
    })
    .where('id', '=', id)
    .execute();
}

export async function softDeleteNamedQuery(db: Db, id: string, actor: string | null): Promise<void> {
  const now = toDbTimestamp();
  await db.updateTable('named_queries').set({ deleted_at: now, updated_at: now, updated_by: actor }).where('id', '=', id).execute();
}
