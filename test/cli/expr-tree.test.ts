import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jsonLogicPromotionTree } from '../../src/demo/jsonlogic-trees.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function runCli(command: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
const banyan = (args: string[], input: string) => runCli(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], input);
const lines = (s: string): unknown[] =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);

describe('banyan expr', () => {
  it('evaluates JSONLogic lines in order and never aborts the stream', async () => {
    const input = [
      JSON.stringify({ expr: { '>=': [{ var: 'a' }, 2] }, root: { a: 3 } }),
      'not json',
      JSON.stringify({ expr: { 'money.mul': [{ var: 'a' }, '0.1'] }, root: { a: 3 } }),
      JSON.stringify({ expr: { foo: 1 }, root: {} }),
      JSON.stringify({ expr: { '*': [{ variable: 'k' }, 2] }, root: {}, variables: { k: 21 } }),
    ].join('\n');
    const { code, stdout } = await banyan(['expr', '--lang', 'jsonlogic'], input);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      { ok: true, value: true },
      { ok: false, error: 'INVALID_JSON', message: expect.any(String) },
      { ok: true, value: 0.3 },
      { ok: false, error: 'UNKNOWN_FUNCTION', message: 'unknown operator "foo" at $' },
      { ok: true, value: 42 },
    ]);
  });

  it("Given a JSON string as the JSONLogic rule, Then it is the literal it is (the official suite's first case), not rule text", async () => {
    const input = [
      JSON.stringify({ expr: 'apple', root: {} }),
      JSON.stringify({ expr: '{"var": "a"}', root: { a: 1 } }),
      JSON.stringify({ expr: { var: 'a' }, root: { a: 1 } }),
    ].join('\n');
    const { code, stdout } = await banyan(['expr', '--lang', 'jsonlogic'], input);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      { ok: true, value: 'apple' },
      { ok: true, value: '{"var": "a"}' },
      { ok: true, value: 1 },
    ]);
  });

  it('Given --template, Then SpEL reads each expr as a Spring template; without it a whole-string #{…} is still an expression', async () => {
    const input = [
      JSON.stringify({ expr: '回饋 #{amount} 元，到期 #{validUntil}', root: { amount: 500, validUntil: '2026-12-31' } }),
      JSON.stringify({ expr: 'plain text', root: {} }),
      JSON.stringify({ expr: 'broken #{amount', root: {} }),
    ].join('\n');
    const { code, stdout } = await banyan(['expr', '--lang', 'spel', '--template'], input);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      { ok: true, value: '回饋 500 元，到期 2026-12-31' },
      { ok: true, value: 'plain text' },
      { ok: false, error: 'SYNTAX_ERROR', message: expect.stringContaining("No ending '}'") },
    ]);
    const plain = await banyan(['expr', '--lang', 'spel'], JSON.stringify({ expr: '#{amount > 1}', root: { amount: 2 } }));
    expect(lines(plain.stdout)).toEqual([{ ok: true, value: true }]);
    const refused = await banyan(['expr', '--lang', 'jsonlogic', '--template'], '');
    expect(refused.code).toBe(2);
  });

  it('works through npm run banyan', async () => {
    const { stdout } = await runCli(
      'npm',
      ['run', '-s', 'banyan', '--', 'expr', '--lang', 'jsonlogic'],
      `${JSON.stringify({ expr: { '+': [1, 2] }, root: null })}\n`,
    );
    expect(lines(stdout)).toEqual([{ ok: true, value: 3 }]);
  });

  it('streams 200k lines with bounded memory', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'expr', '--lang', 'jsonlogic'], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const total = 200_000;
    let received = 0;
    let lastOk = false;
    let peak = 0;
    let pending = '';
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kb);
      } catch {
        /* process gone */
      }
    }, 50);
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      received += parts.length;
      if (parts.length > 0) lastOk = (JSON.parse(parts[parts.length - 1] as string) as { value: unknown }).value === true;
    });
    let baseline = 0;
    const write = (i: number): Promise<void> =>
      new Promise((resolve) => {
        const ok = child.stdin.write(`{"expr":{">":[{"var":"n"},-1]},"root":{"n":${i},"pad":"${'x'.repeat(100)}"}}\n`);
        if (ok) resolve();
        else child.stdin.once('drain', () => resolve());
      });
    for (let i = 0; i < total; i++) {
      await write(i);
      if (i === 5000) baseline = peak;
    }
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    clearInterval(sampler);
    expect(received).toBe(total);
    expect(lastOk).toBe(true);
    expect((peak - baseline) / 1024).toBeLessThan(100);
  }, 120_000);
});

describe('banyan tree eval', () => {
  it('evaluates customers against a tree file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'banyan-tree-'));
    const file = path.join(dir, 'tree.json');
    writeFileSync(file, JSON.stringify(jsonLogicPromotionTree));
    const input = [
      JSON.stringify({ customerId: 'CUST001', accountType: 'VIP', annualIncome: 2000000, creditScore: 750, accountBalance: 500000, transactionHistory: [] }),
      '{bad',
      JSON.stringify({ customerId: 'C2', accountType: 'GOLD' }),
    ].join('\n');
    const { code, stdout, stderr } = await banyan(['tree', 'eval', '--tree', file, '--now', '2025-11-06T19:50:55Z'], input);
    expect(code).toBe(0);
    expect(stderr).toBe(''); // not a TTY: no progress line
    const [first, second, third] = lines(stdout) as Record<string, unknown>[];
    expect(first).toMatchObject({
      ok: true,
      path: ['root', 'vip-branch', 'vip-income', 'calc-vip-high'],
      result: { promotionId: 'promo-vip-001', discountAmount: 5000, validUntil: '2026-02-06T19:50:55' },
    });
    expect(second).toMatchObject({ ok: false, error: 'INVALID_JSON' });
    expect(third).toMatchObject({ ok: true, path: [], result: { eligible: false } });
  });
});
