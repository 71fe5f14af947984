import { sql, type Kysely, type Selectable } from 'kysely';
import { fromDbTimestamp } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import type { AuditTrailsTable } from './audit.tables.js';
import { HASH_SCHEMES } from './hash.js';

export interface BrokenLink {
  readonly id: string;
  readonly requestId: string;
  readonly createdAt: string;
  readonly seq: number;
  readonly expectedHash: string;
  readonly actualHash: string;
  /** Only when the row cannot be recomputed: `unknown hash scheme version 9` (expectedHash is then ''). */
  readonly reason?: string;
}

export interface VerifyReport {
  readonly verified: boolean;
  readonly checked: number;
  readonly firstBrokenLink: BrokenLink | null;
}

const CHUNK = 1000;

/**
 * Recompute the chain over the rows whose created_at lies in [from, to]. The walk goes by `seq`
 * (commit order) from the lowest to the highest seq in the range, so rows of that stretch are
 * checked even when their created_at (request start) falls just outside it. The first row's
 * prev_hash is taken as given (its predecessor may have been removed by retention); every later
 * row must chain from the row before it, so an edited row fails its own hash and a deleted row
 * breaks its successor's link. When the walk reaches the end of the chain, the last hash must
 * equal audit_chain_head (a deleted tail is caught too). Each row is recomputed with the hash
 * scheme its own `hash_version` names; a version this build does not know is a broken link that
 * says so. Reads in chunks: constant memory.
 */
export async function verifyChain(db: Kysely<Tables>, range: { from?: string | undefined; to?: string | undefined }): Promise<VerifyReport> {
  let bounds = db.selectFrom('audit_trails');
  if (range.from) bounds = bounds.where('created_at', '>=', range.from);
  if (range.to) bounds = bounds.where('created_at', '<=', range.to);
  const b = await bounds.select((eb) => [eb.fn.min('seq').as('lo'), eb.fn.max('seq').as('hi')]).executeTakeFirst();
  if (!b || b.lo === null || b.hi === null) return { verified: true, checked: 0, firstBrokenLink: null };
  const hi = Number(b.hi);
  let after = Number(b.lo) - 1;
  let previous: Selectable<AuditTrailsTable> | undefined;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_trails')
      .select([
        'id',
        'request_id',
        'customer_id',
        'operation_type',
        'execution_time_ms',
        'status',
        'error_message',
        'created_at',
        'tree_id',
        'tree_version',
        'actor',
        'seq',
        'prev_hash',
        'hash',
        'hash_version',
      ])
      // The hash covers the JSON columns' stored text: read it as text (pg would parse json).
      .select([sql<string>`cast(operation_details as text)`.as('operation_details'), sql<string | null>`cast(outcome as text)`.as('outcome')])
      .where('seq', '>', after)
      .where('seq', '<=', hi)
      .orderBy('seq')
      .limit(CHUNK)
      .execute();
    for (const row of rows) {
      const prevHash = previous ? previous.hash : row.prev_hash;
      const version = Number(row.hash_version);
      const scheme = HASH_SCHEMES.get(version);
      checked += 1;
      if (!scheme) return { verified: false, checked, firstBrokenLink: { ...link(row, ''), reason: `unknown hash scheme version ${row.hash_version}` } };
      const expected = scheme.chain(prevHash, Number(row.seq), scheme.digest(row));
      if (expected !== row.hash || (previous && row.prev_hash !== previous.hash)) {
        return { verified: false, checked, firstBrokenLink: link(row, expected) };
      }
      previous = row;
    }
    if (rows.length < CHUNK) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (!range.to && previous && head && Number(head.seq) === hi && head.hash !== previous.hash) {
    return { verified: false, checked, firstBrokenLink: link(previous, head.hash) };
  }
  if (!range.to && previous && head && Number(head.seq) > hi) {
    // Rows after the last one found were deleted: the head points past the end of the table.
    const last = await db.selectFrom('audit_trails').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!last || Number(last.seq) < Number(head.seq)) return { verified: false, checked, firstBrokenLink: link(previous, head.hash) };
  }
  return { verified: true, checked, firstBrokenLink: null };
}

function link(row: Pick<Selectable<AuditTrailsTable>, 'id' | 'request_id' | 'created_at' | 'seq' | 'hash'>, expectedHash: string): BrokenLink {
  return { id: row.id, requestId: row.request_id, createdAt: fromDbTimestamp(row.created_at) ?? '', seq: Number(row.seq), expectedHash, actualHash: row.hash };
}
