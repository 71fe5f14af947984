/**
 * What one audit row may store: every JSON column is at most AUDIT_MAX_JSON_BYTES of UTF-8. A
 * larger document is replaced by a truncation marker that says how big it was, its sha256 (to
 * match it with a copy held elsewhere) and a prefix of its text. The marker is built BEFORE the
 * row is hashed, so the hash chain (scheme 2 hashes the stored text) covers what is stored and
 * verifies as usual. docs/audit.md "Size caps".
 */
import { createHash } from 'node:crypto';
import { toJson } from '../platform/db/sql.js';

/** Per JSON column of an audit row (request_logs, audit_trails, decision_steps, call/query logs, system events). */
export const AUDIT_MAX_JSON_BYTES = 65_536;

/** The evaluation's input inside operation_details: half a column, so the trees and result always fit. */
export const AUDIT_MAX_REQUEST_BYTES = 32_768;

export const TRUNCATED = '_truncated';

export interface TruncationMarker {
  readonly [TRUNCATED]: { readonly originalBytes: number; readonly maxBytes: number; readonly sha256: string };
  readonly preview: string;
}

export function isTruncated(value: unknown): value is TruncationMarker {
  return typeof value === 'object' && value !== null && TRUNCATED in value;
}

/** A prefix of `text` of at most `bytes` UTF-8 bytes, cut on a code point. */
function prefixBytes(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8').subarray(0, Math.max(0, bytes));
  // A cut inside a multi-byte character decodes to U+FFFD at the end: drop it.
  return buf.toString('utf8').replace(/\uFFFD$/, '');
}

/** The stored text: `toJson(value)` when it fits in `maxBytes`, else a truncation marker's JSON (which fits). */
export function cappedJson(value: unknown, maxBytes: number = AUDIT_MAX_JSON_BYTES): string {
  const text = toJson(value);
  // Hot path (~11 columns per evaluation): a UTF-8 character is at most 3 bytes per UTF-16 unit.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes <= maxBytes ? text : toJson(marker(text, bytes, maxBytes));
}

/** `value` itself when its JSON fits in `maxBytes`, else its truncation marker (for a part of a document). */
export function capped(value: unknown, maxBytes: number = AUDIT_MAX_JSON_BYTES): unknown {
  const text = toJson(value);
  if (text.length * 3 <= maxBytes) return value;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes <= maxBytes ? value : marker(text, bytes, maxBytes);
}

function marker(text: string, bytes: number, maxBytes: number): TruncationMarker {
  const head = { [TRUNCATED]: { originalBytes: bytes, maxBytes, sha256: createHash('sha256').update(text).digest('hex') } };
  // The preview's JSON escapes may grow it (quotes, control characters): shrink until it fits.
  let room = maxBytes - Buffer.byteLength(toJson({ ...head, preview: '' }), 'utf8');
  for (;;) {
    const candidate: TruncationMarker = { ...head, preview: prefixBytes(text, room) };
    const size = Buffer.byteLength(toJson(candidate), 'utf8');
    if (size <= maxBytes || room <= 0) return candidate;
    room -= size - maxBytes;
  }
}
