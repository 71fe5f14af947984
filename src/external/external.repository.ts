import type { Kysely, Selectable } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { fromDbTimestamp, fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { CircuitBreakerSettings, ExternalSystemView } from './external.schema.js';
import type { ExternalSystemTable } from './external.tables.js';

/** A system as stored, with every default applied (what the service writes and the caller reads). */
export interface ExternalSystemWrite {
  readonly name: string;
  readonly baseUrl: string;
  readonly urlTemplate: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyTemplate: unknown;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly circuitBreaker: CircuitBreakerSettings;
  readonly responseMapping: Readonly<Record<string, string>>;
  readonly onUnavailable: string;
  readonly maxConnections: number;
  readonly description: string | null;
  readonly status: string;
}

function toView(row: Selectable<ExternalSystemTable>): ExternalSystemView {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.base_url,
    urlTemplate: row.url_template,
    method: row.method,
    headers: fromJson<Record<string, string>>(row.headers),
    bodyTemplate: row.body_template === null ? null : fromJson(row.body_template),
    timeoutMs: row.timeout_ms,
    retries: row.retries,
    retryBackoffMs: row.retry_backoff_ms,
    circuitBreaker: fromJson<CircuitBreakerSettings>(row.circuit_breaker),
    responseMapping: fromJson<Record<string, string>>(row.response_mapping),
    onUnavailable: row.on_unavailable,
    maxConnections: row.max_connections,
    description: row.description,
    status: row.status,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: fromDbTimestamp(row.created_at) ?? '',
    updatedAt: fromDbTimestamp(row.updated_at) ?? '',
  };
}

const live = (db: Kysely<Tables>) => db.selectFrom('external_systems').where('deleted_at', 'is', null);

export async function listSystems(db: Kysely<Tables>, filter: { status?: string; page: number; size: number }) {
  let query = live(db);
  if (filter.status) query = query.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('name')
      .limit(filter.size)
      .offset(filter.page * filter.size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toView), total: Number(count.n) };
}

export async function allLiveSystems(db: Kysely<Tables>): Promise<ExternalSystemView[]> {
  return (await live(db).selectAll().execute()).map(toView);
}

export async function findSystem(db: Kysely<Tables>, idOrName: string): Promise<ExternalSystemView | undefined> {
  const row = await live(db)
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

function columns(system: ExternalSystemWrite) {
  return {
    name: system.name,
    base_url: system.baseUrl,
    url_template: system.urlTemplate,
    method: system.method,
    headers: toJson(system.headers),
    body_template: system.bodyTemplate === null || system.bodyTemplate === undefined ? null : toJson(system.bodyTemplate),
    timeout_ms: system.timeoutMs,
    retries: system.retries,
    retry_backoff_ms: system.retryBackoffMs,
    circuit_breaker: toJson(system.circuitBreaker),
    response_mapping: toJson(system.responseMapping),
    on_unavailable: system.onUnavailable,
    max_connections: system.maxConnections,
    description: system.description,
    status: system.status,
  };
}

export async function insertSystem(db: Kysely<Tables>, id: string, system: ExternalSystemWrite, actor: string | null): Promise<void> {
  const now = toDbTimestamp();
  await db
    .insertInto('external_systems')
    .values({ id, ...columns(system), created_by: actor, updated_by: actor, deleted_at: null, created_at: now, updated_at: now })
    .execute();
}

export async function updateSystem(db: Kysely<Tables>, id: string, system: ExternalSystemWrite, actor: string | null): Promise<void> {
  await db
    .updateTable('external_systems')
    .set({ ...columns(system), updated_by: actor, updated_at: toDbTimestamp() })
    .where('id', '=', id)
    .execute();
}

export async function softDeleteSystem(db: Kysely<Tables>, id: string, actor: string | null): Promise<void> {
  const now = toDbTimestamp();
  await db.updateTable('external_systems').set({ status: 'INACTIVE', deleted_at: now, updated_at: now, updated_by: actor }).where('id', '=', id).execute();
}
