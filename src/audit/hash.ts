import { createHash } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { AuditTrailsTable } from './audit.tables.js';

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members left out. Used to compare
 * parsed documents whatever their key order (replay's diff); the hash chain does not need it, since
 * it hashes the stored JSON text itself.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let out = '';
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      out += `${out === '' ? '{' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    }
    return out === '' ? '{}' : `${out}}`;
  }
  return JSON.stringify(value);
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' whatever the driver returned (PostgreSQL trims trailing zeros). */
export function canonicalTimestamp(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A trail as written (insertable) or as read back with its JSON columns as TEXT (`verify.ts`). */
type TrailContent =
  | Omit<Selectable<AuditTrailsTable>, 'seq' | 'prev_hash' | 'hash' | 'hash_version'>
  | Omit<Insertable<AuditTrailsTable>, 'seq' | 'prev_hash' | 'hash' | 'hash_version'>;

function frame(value: unknown): string {
  if (value === null || value === undefined) return '~';
  const text = String(value);
  return `${text.length}:${text}`;
}

/** A JSON column's text; a JSON `null` and SQL NULL are the same "no document" (see pg-batch.ts). */
const jsonText = (value: unknown): unknown => (value === 'null' ? null : value);

/**
 * The digest of a trail's content (hash scheme 2): sha256 over every column except seq and the
 * hashes, each framed as `length:text` (`~` for NULL) in a fixed order. JSON columns are hashed as
 * their STORED TEXT, not re-serialised: SQLite keeps it verbatim and so does PostgreSQL's `json`
 * type (verify reads it back with `::text`), so the writer needs neither to parse nor to
 * canonicalise the ~2 KB of operation_details per evaluation, and any edit of a document — even
 * whitespace or key order — is seen. Timestamps are normalised (drivers differ in trailing zeros).
 */
export function trailDigest(row: TrailContent): string {
  const content =
    frame(row.id) +
    frame(row.request_id) +
    frame(row.customer_id) +
    frame(row.operation_type) +
    frame(jsonText(row.operation_details)) +
    frame(row.execution_time_ms) +
    frame(row.status) +
    frame(row.error_message) +
    frame(canonicalTimestamp(row.created_at as string | Date)) +
    frame(row.tree_id) +
    frame(row.tree_version) +
    frame(jsonText(row.outcome)) +
    frame(row.actor);
  return createHash('sha256').update(content).digest('hex');
}

/**
 * A chain link: hash_n = sha256(hash_{n-1} + seq_n + digest_n), hex. Every part but seq has a fixed
 * length (64 hex characters), so the concatenation is unambiguous. PostgreSQL computes the same
 * expression in SQL (`pg-batch.ts`), all ASCII: `sha256(convert_to(prev || seq::text || digest, 'UTF8'))`.
 */
export function chainHash(prevHash: string, seq: number, digest: string): string {
  return createHash('sha256').update(`${prevHash}${seq}${digest}`).digest('hex');
}

/**
 * A hash scheme: how a trail's content is digested and how the digest is chained. Every trail
 * stores the version of the scheme that hashed it (`audit_trails.hash_version`), and verify
 * recomputes each row with its own row's scheme, so a new scheme is a new entry here (and a new
 * HASH_VERSION), never an edit of an existing one: test/audit/hash-golden.test.ts pins each
 * scheme's digests for fixed inputs, so an edit fails it.
 */
export interface HashScheme {
  digest(row: TrailContent): string;
  chain(prevHash: string, seq: number, digest: string): string;
}

/**
 * The scheme the writer uses for new rows. 2 is the scheme above (`trailDigest` + `chainHash`;
 * scheme 1, re-serialised canonical JSON, never reached a release and is not verifiable).
 * PostgreSQL chains in SQL (`pg-batch.ts`): a new scheme changes that statement too.
 */
export const HASH_VERSION = 2;

export const HASH_SCHEMES: ReadonlyMap<number, HashScheme> = new Map([[2, { digest: trailDigest, chain: chainHash }]]);
