/**
 * Golden digests of the audit hash chain (src/audit/hash.ts): fixed inputs → fixed hex, for every
 * kind of trail Banyan writes, so a change of scheme cannot pass silently — a new scheme is a new
 * HASH_VERSION and a new entry in HASH_SCHEMES, with golden values of its own, never an edit of
 * these. Then the stored side: every row records its scheme version, the PostgreSQL chain (in
 * SQL) and the SQLite chain (in JS) agree with the scheme, and verify refuses a version it does
 * not know, naming it.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../src/audit/audit.tables.js';
import { chainHash, HASH_SCHEMES, HASH_VERSION, trailDigest } from '../../src/audit/hash.js';
import { verifyChain } from '../../src/audit/verify.js';
import type { TrailDraft } from '../../src/audit/writer.js';
import { toDbTimestamp } from '../../src/platform/db/sql.js';
import { AS_AUDITOR, startTestApp, type TestApp } from '../helpers/app.js';

const AT = '2026-01-02 03:04:05.100';

/** One trail of each kind the writer records (entries.ts): evaluation (ok / failed), change, login (ok / failed). */
const ROWS = {
  evaluation: {
    id: '0190a000-0000-7000-8000-000000000001',
    request_id: '0190a000-0000-7000-8000-0000000000a1',
    customer_id: 'CUST001',
    operation_type: 'PROMOTION_EVALUATION',
    operation_details:
      '{"customerId":"CUST001","trees":[{"treeId":"t1","version":3,"path":["root","vip"],"eligible":true,"promotionId":"P1","error":null}],"chosenTreeId":"t1","responseStatus":200,"stepCount":2}',
    execution_time_ms: 12,
    status: 'SUCCESS',
    error_message: null,
    created_at: AT,
    tree_id: 't1',
    tree_version: 3,
    outcome: '{"promotionId":"P1","eligible":true,"discountAmount":"150.00"}',
    actor: null,
  },
  evaluationFailed: {
    id: '0190a000-0000-7000-8000-000000000002',
    request_id: '0190a000-0000-7000-8000-0000000000a2',
    customer_id: '客戶-002',
    operation_type: 'PROMOTION_EVALUATION',
    operation_details: '{"customerId":"客戶-002","trees":[],"result":null}',
    execution_time_ms: 3,
    status: 'FAILED',
    error_message: 'RESOURCE_NOT_FOUND: Decision tree not found: t9',
    created_at: AT,
    tree_id: null,
    tree_version: null,
    outcome: null,
    actor: null,
  },
  change: {
    id: '0190a000-0000-7000-8000-000000000003',
    request_id: '0190a000-0000-7000-8000-0000000000a3',
    customer_id: 'admin',
    operation_type: 'DECISION_TREE_CREATE',
    operation_details: '{"entity":"DECISION_TREE","entityId":"t1","action":"CREATE","before":null,"after":{"version":1,"name":"VIP 優惠"}}',
    execution_time_ms: null,
    status: 'SUCCESS',
    error_message: null,
    created_at: AT,
    tree_id: 't1',
    tree_version: 1,
    outcome: null,
    actor: 'admin',
  },
  loginSuccess: {
    id: '0190a000-0000-7000-8000-000000000004',
    request_id: '0190a000-0000-7000-8000-0000000000a4',
    customer_id: 'auditor',
    operation_type: 'LOGIN_SUCCESS',
    operation_details: '{"method":"GET","url":"/api/v1/audit/trails","clientIp":"127.0.0.1","userAgent":null}',
    execution_time_ms: null,
    status: 'SUCCESS',
    error_message: null,
    created_at: AT,
    tree_id: null,
    tree_version: null,
    outcome: null,
    actor: 'auditor',
  },
  loginFailed: {
    id: '0190a000-0000-7000-8000-000000000005',
    request_id: '0190a000-0000-7000-8000-0000000000a5',
    customer_id: 'mallory',
    operation_type: 'LOGIN_FAILED',
    operation_details: '{"method":"POST","url":"/auth/token","clientIp":"10.0.0.9","userAgent":"curl/8","failures":3}',
    execution_time_ms: null,
    status: 'FAILED',
    error_message: 'invalid username or password',
    created_at: AT,
    tree_id: null,
    tree_version: null,
    outcome: null,
    actor: 'mallory',
  },
} satisfies Record<string, TrailDraft>;

/** Scheme 2's digests of ROWS. Never edit these: a new scheme gets its own table. */
const GOLDEN_DIGESTS: Record<keyof typeof ROWS, string> = {
  evaluation: 'a6d28dcb58f7a06ce51b7d42f6e6d08a5fb7e61416bdc84a713763dfb707ed05',
  evaluationFailed: 'f5af820c86583698410160b6c83cb7cb3238bb3a00beab5bc7cc5843bdd303a6',
  change: 'be279ac816ff95eb31bb975d21600565960f283903db1848fdfb72b4fcd601fe',
  loginSuccess: 'ce1a0656e6de7fcf685e2c739a8b17c392899dcf83e5f18e6efafe1ee9ffdc81',
  loginFailed: 'ca5333282cb9cc87bb65348a287a2e8f442a73a2158c22654c01a928f9251bbe',
};

/** GENESIS → evaluation (seq 1) → change (seq 2) → loginFailed (seq 3), scheme 2. */
const GOLDEN_CHAIN = [
  '92233c7b4527c26237ebe61030a103d66a46492042e1a10353877c65b938db5c',
  'c216dda10069468b2bc0a8d385686638957dfcc274123d4aaf44f99ff1578379',
  '897a71a9a08234911b1331cc59e93bcd0c18c0f351445f184618b85f7e6de09a',
];

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('audit hash scheme 2: golden digests', () => {
  it('Given the current scheme, When its version is read, Then it is 2 and the registered scheme is the one pinned here', () => {
    expect(HASH_VERSION).toBe(2);
    expect([...HASH_SCHEMES.keys()]).toEqual([2]);
    const scheme = HASH_SCHEMES.get(HASH_VERSION);
    for (const [kind, row] of Object.entries(ROWS)) expect(scheme?.digest(row), kind).toBe(GOLDEN_DIGESTS[kind as keyof typeof ROWS]);
    expect(scheme?.chain(GENESIS_HASH, 1, GOLDEN_DIGESTS.evaluation)).toBe(GOLDEN_CHAIN[0]);
  });

  it('Given one trail of every kind, When digested, Then each digest is its golden hex', () => {
    for (const [kind, row] of Object.entries(ROWS)) expect(trailDigest(row), kind).toBe(GOLDEN_DIGESTS[kind as keyof typeof ROWS]);
  });

  it('Given the framing, When a minimal row is digested, Then it is sha256 of `length:text` per column in the fixed order, `~` for NULL, lengths in UTF-16 units', () => {
    const row = { id: 'i', request_id: 'r', customer_id: 'c', operation_type: 'T', operation_details: '{}', status: 'S', created_at: '2026-01-02 03:04:05' };
    const framed = '1:i' + '1:r' + '1:c' + '1:T' + '2:{}' + '~' + '1:S' + '~' + '23:2026-01-02 03:04:05.000' + '~' + '~' + '~' + '~';
    expect(sha256(framed)).toBe('a6b5278907e0955ff85f45f8bf221e7d1d2683e1f12d379846a1ce86c057acc2');
    expect(trailDigest(row)).toBe('a6b5278907e0955ff85f45f8bf221e7d1d2683e1f12d379846a1ce86c057acc2');
    expect(trailDigest({ ...row, customer_id: '客戶' })).toBe(sha256(framed.replace('1:c', '2:客戶')));
  });

  it('Given values that concatenate alike, When digested, Then the framing keeps them apart (pinned)', () => {
    const row = ROWS.loginSuccess;
    expect(trailDigest({ ...row, request_id: 'ab', customer_id: 'c' })).toBe('b82ce0a279886773453786faf6cabc36f2f1716ee4e57c6ad55f6f8c9d3ed3ea');
    expect(trailDigest({ ...row, request_id: 'a', customer_id: 'bc' })).toBe('a7649973512579f7f011b54549ea9bccd7e1d803297e0a9b7e6fe8f9f9b61a5a');
    // An empty string is not NULL.
    expect(trailDigest({ ...row, error_message: '' })).toBe('b74e6a3931d9e5d16b32a5dc47c37793e47cab6683296fb41845a8a738221e91');
    expect(trailDigest({ ...row, error_message: null })).toBe(GOLDEN_DIGESTS.loginSuccess);
  });

  it('Given the timestamp as each driver returns it, When digested, Then it is normalised to milliseconds (same golden hex)', () => {
    for (const created_at of [AT, '2026-01-02 03:04:05.1', new Date('2026-01-02T03:04:05.100Z')]) {
      expect(trailDigest({ ...ROWS.evaluation, created_at: created_at as string }), String(created_at)).toBe(GOLDEN_DIGESTS.evaluation);
    }
    expect(trailDigest({ ...ROWS.evaluation, created_at: '2026-01-02 03:04:05.101' })).not.toBe(GOLDEN_DIGESTS.evaluation);
  });

  it('Given JSON null and SQL NULL in a JSON column, When digested, Then both are "no document" (same golden hex); a JSON string "null" is not', () => {
    expect(trailDigest({ ...ROWS.evaluationFailed, outcome: 'null' })).toBe(GOLDEN_DIGESTS.evaluationFailed);
    expect(trailDigest({ ...ROWS.evaluationFailed, outcome: undefined })).toBe(GOLDEN_DIGESTS.evaluationFailed);
    expect(trailDigest({ ...ROWS.evaluationFailed, outcome: '"null"' })).not.toBe(GOLDEN_DIGESTS.evaluationFailed);
  });

  it('Given a chain from genesis, When linked, Then each hash is its golden hex, and sha256(prev + seq + digest)', () => {
    let prev = GENESIS_HASH;
    const kinds = ['evaluation', 'change', 'loginFailed'] as const;
    kinds.forEach((kind, i) => {
      const hash = chainHash(prev, i + 1, GOLDEN_DIGESTS[kind]);
      expect(hash, kind).toBe(GOLDEN_CHAIN[i]);
      expect(hash).toBe(sha256(`${prev}${i + 1}${GOLDEN_DIGESTS[kind]}`));
      prev = hash;
    });
  });
});

describe('audit hash versions: stored per row, verified per row', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'false', AUDIT_BATCH_SIZE: '8', AUDIT_FLUSH_MS: '1' });
  });
  afterAll(async () => t?.destroy());

  // Fresh ids, and a timestamp of this month (PostgreSQL has partitions for the current months only).
  const now = toDbTimestamp(new Date());
  const fresh = (row: TrailDraft, n: number): TrailDraft => ({
    ...row,
    created_at: now,
    id: `${String(row.id).slice(0, 30)}${String(n).padStart(6, '0')}`,
    request_id: `${String(row.request_id).slice(0, 30)}${String(n).padStart(6, '0')}`,
  });

  it('Given trails of every kind written by the writer, When read back, Then each row stores hash_version 2 and a hash the scheme recomputes from the golden digest', async () => {
    const written = Object.values(ROWS).map((row, i) => fresh(row, i));
    await Promise.all(written.map((row) => t.modules.get('audit').writer.write({ trails: [row] })));
    const ids = written.map((r) => r.id as string);
    const stored = await t.database.db.selectFrom('audit_trails').select(['id', 'seq', 'prev_hash', 'hash', 'hash_version']).where('id', 'in', ids).execute();
    expect(stored).toHaveLength(written.length);
    for (const row of stored) {
      const draft = written.find((w) => w.id === row.id) as TrailDraft;
      expect(Number(row.hash_version)).toBe(HASH_VERSION);
      // The golden digest covers id, request_id and created_at: recompute for the fresh ones, then chain as stored (SQL on PostgreSQL, JS on SQLite).
      expect(row.hash).toBe(chainHash(row.prev_hash, Number(row.seq), trailDigest(draft)));
    }
    expect((await verifyChain(t.database.db, {})).verified).toBe(true);
  });

  it('Given a trail inserted without a version (as before the migration), When read, Then it has the default 2', async () => {
    const head = await t.database.db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    const row = fresh(ROWS.change, 99);
    const seq = Number(head.seq) + 1;
    const hash = chainHash(head.hash, seq, trailDigest(row));
    await t.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audit_trails')
        .values({ ...row, seq, prev_hash: head.hash, hash })
        .execute();
      await trx.updateTable('audit_chain_head').set({ seq, hash }).where('id', '=', 1).execute();
    });
    const stored = await t.database.db
      .selectFrom('audit_trails')
      .select('hash_version')
      .where('id', '=', row.id as string)
      .executeTakeFirstOrThrow();
    expect(Number(stored.hash_version)).toBe(2);
    expect((await verifyChain(t.database.db, {})).verified).toBe(true);
  });

  it('Given a row whose hash_version this build does not know, When the chain is verified, Then it fails at that row naming the version (no crash), over HTTP too', async () => {
    const victim = await t.database.db.selectFrom('audit_trails').select(['id', 'hash']).orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await sql`update audit_trails set hash_version = 9 where id = ${victim.id}`.execute(t.database.db);
    try {
      const report = await verifyChain(t.database.db, {});
      expect(report.verified).toBe(false);
      expect(report.firstBrokenLink).toMatchObject({ id: victim.id, actualHash: victim.hash, expectedHash: '', reason: 'unknown hash scheme version 9' });
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: AS_AUDITOR });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ verified: false, firstBrokenLink: { id: victim.id, reason: 'unknown hash scheme version 9' } });
    } finally {
      await sql`update audit_trails set hash_version = 2 where id = ${victim.id}`.execute(t.database.db);
    }
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: AS_AUDITOR });
    expect(ok.json().data).toMatchObject({ verified: true, firstBrokenLink: null });
    expect(ok.body).not.toContain('reason');
  });
});
