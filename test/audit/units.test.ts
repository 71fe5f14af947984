import { describe, expect, it } from 'vitest';
import { compileTree } from '../../src/engine/index.js';
import type { CommandHandler, TreeDefinition } from '../../src/engine/types.js';
import { canonicalJson, canonicalTimestamp, chainHash, trailDigest } from '../../src/audit/hash.js';
import { recordedCommands } from '../../src/audit/replay.js';
import { csvCell, csvLine } from '../../src/platform/csv.js';
import { toJson } from '../../src/platform/db/sql.js';

describe('audit hashing', () => {
  it('canonical JSON ignores key order (JSONB reorders keys) and undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], u: undefined })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
  });
  it('normalises timestamps whatever the driver returned', () => {
    expect(canonicalTimestamp('2026-01-02 03:04:05.1')).toBe('2026-01-02 03:04:05.100');
    expect(canonicalTimestamp('2026-01-02 03:04:05')).toBe('2026-01-02 03:04:05.000');
  });
  it('the trail digest covers every content column, JSON columns as their stored text', () => {
    const base = {
      id: 'i',
      request_id: 'r',
      customer_id: '客戶',
      operation_type: 'T',
      operation_details: toJson({ z: 1, a: 'é"\\' }),
      status: 'SUCCESS',
      created_at: '2026-01-02 03:04:05.1',
    };
    const digest = trailDigest(base);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    // Same content, driver-specific timestamp text: same digest.
    expect(trailDigest({ ...base, created_at: '2026-01-02 03:04:05.100' })).toBe(digest);
    // JSON null and SQL NULL are the same "no document".
    expect(trailDigest({ ...base, outcome: 'null' })).toBe(trailDigest({ ...base, outcome: null }));
    // Any change of any column, or of a document's text (even its key order), changes it.
    const changed = [
      { ...base, id: 'j' },
      { ...base, request_id: 'r2' },
      { ...base, customer_id: '客' },
      { ...base, operation_type: 'U' },
      { ...base, operation_details: toJson({ a: 'é"\\', z: 1 }) },
      { ...base, execution_time_ms: 0 },
      { ...base, status: 'FAILED' },
      { ...base, error_message: '' },
      { ...base, created_at: '2026-01-02 03:04:05.101' },
      { ...base, tree_id: 't' },
      { ...base, tree_version: 1 },
      { ...base, outcome: '{}' },
      { ...base, actor: 'a' },
    ];
    const digests = new Set(changed.map((row) => trailDigest(row)));
    expect(digests.size).toBe(changed.length);
    expect(digests.has(digest)).toBe(false);
    // Framing: moving text between adjacent columns changes the digest.
    expect(trailDigest({ ...base, request_id: 'ab', customer_id: 'c' })).not.toBe(trailDigest({ ...base, request_id: 'a', customer_id: 'bc' }));
  });
  it('chains: the hash depends on the previous hash, the position and the digest', () => {
    const d = 'd'.repeat(64);
    const h = chainHash('a'.repeat(64), 1, d);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash('b'.repeat(64), 1, d)).not.toBe(h);
    expect(chainHash('a'.repeat(64), 2, d)).not.toBe(h);
    expect(chainHash('a'.repeat(64), 1, 'e'.repeat(64))).not.toBe(h);
  });
});

describe('CSV cells', () => {
  it('quotes separators, quotes and newlines, and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('x\ny')).toBe('"x\ny"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(-42)).toBe('-42');
    expect(csvCell('-42')).toBe("'-42");
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 1, true])).toBe('a,1,true\r\n');
  });
});

describe('replay of host commands from recorded steps', () => {
  const tree: TreeDefinition = {
    name: 'bureau',
    rootNode: {
      nodeId: 'bureau',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', resultVariable: 'score' },
      children: [
        {
          nodeId: 'offer',
          nodeType: 'CALCULATION',
          configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { discountAmount: 100, promotionName: 'P' } },
        },
      ],
    },
  };
  const live = (score: number): CommandHandler => ({ execute: () => ({ matched: score > 700, output: { score, calls: [] }, input: { customerId: 'C' } }) });
  const step = (nodeId: string, output: unknown, status = 'SUCCESS') => ({
    id: nodeId,
    request_id: 'r',
    tree_id: 't',
    node_id: nodeId,
    step_order: 1,
    node_type: 'CONDITION',
    command_type: 'EXTERNAL_SYSTEM',
    input_data: toJson({ customerId: 'C' }),
    output_data: toJson(output),
    execution_time_ms: 1,
    status,
    error_details: status === 'FAILED' ? 'timeout' : null,
    created_at: '2026-01-01 00:00:00.000',
  });

  it('serves recorded outputs by node id and infers `matched` from the path', async () => {
    const original = await compileTree(tree, { commands: { EXTERNAL_SYSTEM: live(780) } }).evaluateAsync({ customerId: 'C' }, { now: new Date() });
    expect(original.result.eligible).toBe(true);
    const recorded = original.steps.map((s) => step(s.nodeId, s.output));
    const replayed = await compileTree(tree, { commands: recordedCommands(tree.rootNode, recorded) }).evaluateAsync({ customerId: 'C' }, { now: new Date() });
    expect(replayed.path).toEqual(original.path);
    expect(replayed.result).toEqual(original.result);

    const notMatched = await compileTree(tree, { commands: recordedCommands(tree.rootNode, [step('bureau', { score: 500 })]) }).evaluateAsync(
      { customerId: 'C' },
      { now: new Date() },
    );
    expect(notMatched.result.eligible).toBe(false);
  });

  it('replays a recorded failure as a failure, and never calls out for an unrecorded node', async () => {
    const failed = await compileTree(tree, { commands: recordedCommands(tree.rootNode, [step('bureau', null, 'FAILED')]) }).evaluateAsync(
      { customerId: 'C' },
      { now: new Date() },
    );
    expect(failed.steps[0]).toMatchObject({ status: 'FAILED', error: 'timeout' });
    const missing = await compileTree(tree, { commands: recordedCommands(tree.rootNode, []) }).evaluateAsync({ customerId: 'C' }, { now: new Date() });
    expect(missing.steps[0]?.error).toMatch(/not executed in the original evaluation/);
  });
});
