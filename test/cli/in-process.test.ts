import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as audit } from '../../src/cli/audit.js';
import { run as migrate } from '../../src/cli/migrate.js';
import { run as seed } from '../../src/cli/seed.js';
import { run as expr } from '../../src/cli/expr.js';
import { run as tree } from '../../src/cli/tree.js';
import type { CliIo } from '../../src/cli/jsonl.js';
import { CUST001, CUST002 } from '../../src/demo/customers.js';
import { promotionDecisionTree } from '../../src/demo/trees.js';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../helpers/app.js';

function io(lines: readonly unknown[], tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const stdin = Readable.from(lines.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`));
  const streams: CliIo = { stdin, stdout, stderr };
  return {
    streams,
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: () => err.join(''),
  };
}

describe('banyan expr (in process)', () => {
  it('Given SpEL lines, When evaluated, Then one result line per input, in order, errors as values', async () => {
    const t = io([
      { expr: '#{annualIncome >= 2000000}', root: CUST001 },
      { expr: "#{region in {'台北市','新北市'}}", root: CUST001 },
      { expr: '#{#param_x * 2}', root: {}, variables: { param_x: 21 } },
      { expr: '#{T(java.lang.Runtime)}', root: {} },
      'not json',
      { nothing: true },
      { expr: '#{#daysSince(lastLogin)}', root: { lastLogin: '2024-01-01' } },
    ]);
    expect(await expr(['--lang', 'spel', '--now', '2024-01-31T00:00:00Z'], t.streams)).toBe(0);
    const out = t.lines();
    expect(out).toHaveLength(7);
    expect(out.slice(0, 3)).toEqual([
      { ok: true, value: true },
      { ok: true, value: true },
      { ok: true, value: 42 },
    ]);
    expect(out[3]).toMatchObject({ ok: false, error: 'NOT_SUPPORTED' });
    expect(out[4]).toMatchObject({ ok: false, error: 'INVALID_JSON' });
    expect(out[5]).toMatchObject({ ok: false, error: 'INVALID_INPUT' });
    expect(out[6]).toEqual({ ok: true, value: 30 });
  });

  it('Given JSONLogic rules as JSON values, When evaluated, Then the official semantics apply (a string rule is its literal)', async () => {
    const t = io([
      { expr: { '>=': [{ var: 'creditScore' }, 700] }, root: { creditScore: 750 } },
      { expr: 'apple', root: null },
      { expr: '{"+":[1,2]}', root: null },
      { expr: { no_such_op: [] }, root: {} },
    ]);
    expect(await expr(['--lang', 'jsonlogic'], t.streams)).toBe(0);
    const out = t.lines();
    expect(out[0]).toEqual({ ok: true, value: true });
    expect(out[1]).toEqual({ ok: true, value: 'apple' });
    expect(out[2]).toEqual({ ok: true, value: '{"+":[1,2]}' });
    expect(out[3]).toMatchObject({ ok: false });
  });

  it('Given bad options, When run, Then exit 2 with usage; --help exits 0', async () => {
    for (const argv of [['--lang', 'lua'], ['--now', 'yesterday'], ['--bogus']]) {
      const t = io([]);
      expect(await expr(argv, t.streams), argv.join(' ')).toBe(2);
      expect(t.stderr()).toMatch(/usage: banyan expr|--now must be/);
    }
    const help = io([]);
    expect(await expr(['--help'], help.streams)).toBe(0);
  });
});

describe('banyan tree eval (in process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'banyan-tree-'));
  const treeFile = join(dir, 'tree.json');
  writeFileSync(treeFile, JSON.stringify(promotionDecisionTree));

  it('Given the seed tree and customers, When evaluated, Then each line carries the offer and the path; progress goes to a TTY', async () => {
    const t = io([CUST001, CUST002, 'oops', { customerId: 'X', accountType: 'NONE' }], true);
    expect(await tree(['eval', '--tree', treeFile, '--now', '2026-01-01T00:00:00Z'], t.streams)).toBe(0);
    const out = t.lines();
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({
      ok: true,
      result: { promotionId: 'promo-vip-001', discountAmount: 5000, validUntil: '2026-04-03T00:00:00' },
      path: ['root', 'vip-branch', 'vip-income', 'calc-vip-high'],
    });
    expect(out[1]).toMatchObject({ ok: true, result: { promotionId: 'promo-new-001' } });
    expect(out[2]).toMatchObject({ ok: false, error: 'INVALID_JSON' });
    expect(out[3]).toMatchObject({ ok: true, result: { eligible: false } });
    expect(t.stderr()).toContain('customers evaluated');
  });

  it('Given --steps, When evaluated, Then the decision steps are included', async () => {
    const t = io([CUST001]);
    expect(await tree(['eval', '--tree', treeFile, '--steps'], t.streams)).toBe(0);
    const steps = t.lines()[0]?.steps as { nodeId: string }[];
    expect(steps.map((s) => s.nodeId)).toEqual(['root', 'vip-branch', 'vip-income', 'calc-vip-high']);
  });

  it('Given a missing or invalid tree, or bad arguments, When run, Then exit 2 with a reason', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ name: 'x', rootNode: { nodeType: 'CONDITION', configuration: { commandType: 'SPEL_CONDITION', expression: '#{a >' } } }),
    );
    const cases: [string[], RegExp][] = [
      [['eval'], /--tree is required/],
      [['eval', '--tree', join(dir, 'missing.json')], /cannot load/],
      [['eval', '--tree', bad], /cannot load/],
      [['eval', '--tree', treeFile, '--now', 'never'], /--now/],
      [['eval', '--tree', treeFile, '--what'], /unknown option/],
      [['frob'], /unknown sub-command/],
    ];
    for (const [argv, message] of cases) {
      const t = io([]);
      expect(await tree(argv, t.streams), argv.join(' ')).toBe(2);
      expect(t.stderr()).toMatch(message);
    }
  });
});

describe(`banyan migrate / seed / audit (in process, ${DB_KIND})`, () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await testDb?.drop();
  });

  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
    return {
      out: () => out.join(''),
      err: () => err.join(''),
      restore: () => {
        o.mockRestore();
        e.mockRestore();
      },
    };
  }

  it('Given an empty database, When migrate, seed and audit verify run, Then they apply, load once and verify the chain', async () => {
    for (const [name, value] of Object.entries({ ...testDb.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', SANDBOX_ENABLED: 'false' })) vi.stubEnv(name, value);
    const c = capture();
    try {
      expect(await migrate([])).toBe(0);
      expect(c.out()).toMatch(/applied \d+ migration\(s\)/);
      expect(await migrate([])).toBe(0);
      expect(c.out()).toContain('database is up to date');
      expect(await seed([])).toBe(0);
      expect(c.out()).toMatch(/seeded [1-9]\d* tree\(s\)/);
      expect(await seed([])).toBe(0);
      expect(c.out()).toContain('(already present)');
      expect(await audit(['verify'])).toBe(0);
      expect(c.out()).toMatch(/"verified":\s*true/);
      expect(await audit(['retention'])).toBe(0);
      expect(c.out()).toContain('"deletedRows":{');
      expect(await audit(['nonsense'])).toBe(2);
      expect(c.err()).toContain('usage: banyan audit');
      vi.stubEnv('PORT', 'not-a-port');
      expect(await audit(['verify'])).toBe(2);
      expect(c.err()).toContain('PORT');
    } finally {
      c.restore();
    }
  }, 60_000);
});
