/**
 * The transactional outbox: an event is a row written in the same transaction as the state change
 * it announces, so it exists if and only if the change committed. The relay (relay.ts) publishes
 * rows after commit. SQL for `outbox_events` lives here and nowhere else.
 */
import { EventEmitter } from 'node:events';
import { sql, type Expression, type Insertable, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { insertRowWhen } from '../db/insert-when.js';
import { internalError } from '../errors.js';
import { dialectOf, fromJson, newId, toDbTimestamp, toJson } from '../db/sql.js';
import type { Tables } from '../db/tables.js';
import { SCHEMA_HEADER, STREAM_ROOTS, subjectEntry } from '../events/topics.js';
import { dbToIso } from '../time.js';
import type { OutboxEventsTable } from './outbox.tables.js';

// The subjects live in the catalogue (topics.ts); re-exported here, where writers look for them.
export { DEAD_LETTER_ROOT, TOPICS, TOPIC_ROOTS, WORK, WORK_ROOT } from '../events/topics.js';
const TOPIC_PATTERN = new RegExp(`^(${STREAM_ROOTS.map((r) => r.replace('.', '\\.')).join('|')})(\\.[A-Za-z0-9_-]+)+$`);

export interface OutboxEventInput {
  readonly topic: string;
  readonly tenantId: string | null;
  /** Partition/ordering key (e.g. the player id); consumers may use it, the relay keeps it. */
  readonly key: string;
  readonly payload: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The row's id, when the caller must know it in advance (a work item that names its fact); default a new one. */
  readonly id?: string;
}

/** What the relay publishes and consumers receive. */
export interface OutboxEvent {
  readonly id: string;
  readonly topic: string;
  readonly tenantId: string | null;
  readonly key: string;
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

export interface PendingEvent extends OutboxEvent {
  readonly seq: number;
  readonly attempts: number;
}

export class InvalidTopicError extends Error {
  override name = 'InvalidTopicError';
}

/** PostgreSQL delivers NOTIFY only when the enqueuing transaction commits: the relay's wake-up. */
export const OUTBOX_CHANNEL = 'banyan_outbox';

/**
 * In-process wake-up. On SQLite the relay's next query waits for the caller's transaction to
 * release the single connection, so a wake-up raised inside the transaction reads committed rows.
 */
export const outboxSignal = new EventEmitter();
outboxSignal.setMaxListeners(0);

/** Write an event in the caller's transaction; returns its id. Publishing happens after commit. */
export async function enqueueEvent(trx: Kysely<Tables>, input: OutboxEventInput): Promise<string> {
  const row = newOutboxRow(input);
  await trx.insertInto('outbox_events').values(row).execute();
  if (dialectOf(trx) === 'postgres') await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(trx);
  signalEnqueued();
  return row.id;
}

/** Several events in the caller's transaction, in one INSERT (a fact and the work it implies); returns their ids in order. */
export async function enqueueEvents(trx: Kysely<Tables>, inputs: readonly OutboxEventInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map(newOutboxRow);
  await trx.insertInto('outbox_events').values(rows).execute();
  if (dialectOf(trx) === 'postgres') await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(trx);
  signalEnqueued();
  return rows.map((r) => r.id);
}

/**
 * The outbox's part of another module's one-statement write (PostgreSQL): `ctes` is one
 * data-modifying CTE per event (named `<name>0`, `<name>1`, …), each writing its event when `when`
 * holds, and `notify` wakes the relays once if they wrote (`nt AS (${notify})`, after the CTEs).
 * After the statement, call `signalEnqueued` if it wrote the events.
 */
export function enqueueWhen(
  db: Kysely<Tables>,
  inputs: readonly OutboxEventInput[],
  when: Expression<SqlBool>,
  name: string,
): { readonly ids: readonly string[]; readonly ctes: RawBuilder<unknown>; readonly notify: RawBuilder<unknown> } {
  if (inputs.length === 0) throw internalError('enqueueWhen: at least one event');
  const rows = inputs.map(newOutboxRow);
  const ctes = rows.map((row, i) => sql`${sql.id(`${name}${i}`)} AS (${insertRowWhen(db, 'outbox_events', row, when).returning(sql<number>`1`.as('one'))})`);
  return {
    ids: rows.map((r) => r.id),
    ctes: sql.join(ctes, sql`, `),
    notify: sql`SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM ${sql.id(`${name}0`)}`,
  };
}

/** The row `enqueueEvent` writes: the outbox's column list, the one place it is written. */
function newOutboxRow(input: OutboxEventInput): Insertable<OutboxEventsTable> & { id: string } {
  if (!TOPIC_PATTERN.test(input.topic)) {
    throw new InvalidTopicError(`topic '${input.topic}' must be <${STREAM_ROOTS.join('|')}>.<name>[.<name>…]`);
  }
  const now = toDbTimestamp();
  return {
    id: input.id ?? newId(),
    topic: input.topic,
    tenant_id: input.tenantId,
    message_key: input.key,
    payload: toJson(input.payload),
    headers: toJson(withSchema(input)),
    created_at: now,
    published_at: null,
    attempts: 0,
    last_error: null,
    next_attempt_at: now,
  };
}

/** The row's headers: the caller's, and `Banyan-Schema` = the `$id` of the subject's payload schema (topics.ts). */
function withSchema(input: OutboxEventInput): Readonly<Record<string, string>> {
  const schema = subjectEntry(input.topic)?.schema;
  return schema === undefined ? (input.headers ?? {}) : { ...input.headers, [SCHEMA_HEADER]: schema };
}

/** Wakes this process's relay (after the enqueuing statement; see `outboxSignal`). */
export function signalEnqueued(): void {
  setImmediate(() => outboxSignal.emit('enqueued'));
}

/**
 * The next batch due for publishing, in creation order. On PostgreSQL the rows stay locked
 * (FOR UPDATE SKIP LOCKED) until the caller's transaction ends, so concurrent relays take
 * disjoint batches and a crashed relay's batch is released with its connection.
 */
export async function claimPending(db: Kysely<Tables>, limit: number, now: string): Promise<PendingEvent[]> {
  const query = db
    .selectFrom('outbox_events')
    .select(['seq', 'id', 'topic', 'tenant_id', 'message_key', 'payload', 'headers', 'created_at', 'attempts'])
    .where('published_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('seq')
    .limit(limit);
  const rows = dialectOf(db) === 'postgres' ? await query.forUpdate().skipLocked().execute() : await query.execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: r.id,
    topic: r.topic,
    tenantId: r.tenant_id,
    key: r.message_key,
    payload: fromJson(r.payload),
    headers: fromJson<Record<string, string>>(r.headers),
    // ISO 8601 UTC: the Banyan-Created-At header and consumers read it, whatever the database.
    createdAt: dbToIso(r.created_at) ?? r.created_at,
    attempts: r.attempts,
  }));
}

export async function markPublished(db: Kysely<Tables>, ids: readonly string[], now: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('outbox_events').set({ published_at: now, last_error: null }).where('id', 'in', ids).execute();
}

export async function markPublishFailed(db: Kysely<Tables>, id: string, error: string, nextAttemptAt: string): Promise<void> {
  await db
    .updateTable('outbox_events')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 2000), next_attempt_at: nextAttemptAt }))
    .where('id', '=', id)
    .execute();
}

export interface OutboxLag {
  /** Events committed but not yet acknowledged by the broker. */
  readonly pending: number;
  /** Age of the oldest pending event in milliseconds (0 when none). */
  readonly oldestAgeMs: number;
}

export async function outboxLag(db: Kysely<Tables>, now: Date = new Date()): Promise<OutboxLag> {
  const row = await db
    .selectFrom('outbox_events')
    .select((eb) => [eb.fn.countAll<number | string>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('published_at', 'is', null)
    .executeTakeFirst();
  const oldest = row?.oldest ? new Date(`${String(row.oldest).replace(' ', 'T')}Z`).getTime() : undefined;
  return { pending: Number(row?.pending ?? 0), oldestAgeMs: oldest === undefined ? 0 : Math.max(0, now.getTime() - oldest) };
}

/** Published rows are kept for a while (debugging, replays), then deleted. */
export async function prunePublished(db: Kysely<Tables>, before: string): Promise<number> {
  const result = await db.deleteFrom('outbox_events').where('published_at', 'is not', null).where('published_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
