import { createHash } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import { fromJson } from '../platform/db/sql.js';
import type { AuditTrailsTable } from './audit.tables.js';

/**
 * Canonical JSON: object keys sorted, no whitespace. Applied to the *parsed* value, so text JSON
 * (SQLite) and JSONB (PostgreSQL, which reorders keys) hash the same.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' whatever the driver returned (PostgreSQL trims trailing zeros). */
export function canonicalTimestamp(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

type TrailContent = Omit<Selectable<AuditTrailsTable>, 'prev_hash' | 'hash'> | Omit<Insertable<AuditTrailsTable>, 'prev_hash' | 'hash'>;

/** What the hash covers: every column of the row except the hashes themselves. */
export function trailContent(row: TrailContent): string {
  return canonicalJson({
    id: row.id,
    seq: Number(row.seq),
    requestId: row.request_id,
    customerId: row.customer_id,
    operationType: row.operation_type,
    operationDetails: fromJson(row.operation_details),
    executionTimeMs: row.execution_time_ms ?? null,
    status: row.status,
    errorMessage: row.error_message ?? null,
    createdAt: canonicalTimestamp(row.created_at as string),
    treeId: row.tree_id ?? null,
    treeVersion: row.tree_version ?? null,
    outcome: row.outcome === undefined ? null : fromJson(row.outcome),
    actor: row.actor ?? null,
  });
}

/**
 * `trailContent` split around its `seq` value: `before + String(seq) + after === trailContent(row)`.
 * Lets the writer canonicalise a trail before it knows its position, so PostgreSQL can chain the
 * hashes inside the statement that holds the chain-head lock (`pg-batch.ts`). Keys sort as
 * actor … requestId < seq < status, treeId, treeVersion.
 */
export function trailContentParts(row: Omit<TrailContent, 'seq'>): { before: string; after: string } {
  const lo = canonicalJson({
    id: row.id,
    requestId: row.request_id,
    customerId: row.customer_id,
    operationType: row.operation_type,
    operationDetails: fromJson(row.operation_details),
    executionTimeMs: row.execution_time_ms ?? null,
    errorMessage: row.error_message ?? null,
    createdAt: canonicalTimestamp(row.created_at as string),
    outcome: row.outcome === undefined ? null : fromJson(row.outcome),
    actor: row.actor ?? null,
  });
  const hi = canonicalJson({ status: row.status, treeId: row.tree_id ?? null, treeVersion: row.tree_version ?? null });
  return { before: `${lo.slice(0, -1)},"seq":`, after: `,${hi.slice(1)}` };
}

/** hash = sha256(prev_hash + canonical JSON of the row's content), hex. */
export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}
