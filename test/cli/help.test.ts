import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

function banyan(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`banyan ${args.join(' ')} did not exit: ${stdout}${stderr}`));
    }, 60_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

const COMMANDS = ['serve', 'migrate', 'seed', 'expr', 'tree', 'audit', 'secrets', 'sandbox'];

describe('Given banyan --help / -h', () => {
  it.each(['--help', '-h', 'help'])('When banyan %s runs, Then it lists every command and exits 0', async (flag) => {
    const res = await banyan([flag]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('usage: banyan <command>');
    for (const c of COMMANDS) expect(res.stdout).toContain(`  ${c}`);
  });

  // Each command at once: a help must never start the service, touch a database or wait for stdin.
  it('When every sub-command is asked for --help and -h, Then each prints its own usage and exits 0', async () => {
    const runs = COMMANDS.flatMap((c) => [
      [c, '--help'],
      [c, '-h'],
    ]).concat([
      ['tree', 'eval', '--help'],
      ['audit', 'verify', '-h'],
      ['serve', '--role', 'worker', '--help'],
      ['help', 'serve'],
    ]);
    const results = await Promise.all(runs.map(async (args) => ({ args, res: await banyan(args) })));
    for (const { args, res } of results) {
      const name = args[0] === 'help' ? args[1] : args[0];
      expect(res.status, `banyan ${args.join(' ')}: ${res.stderr}`).toBe(0);
      expect(res.stdout, `banyan ${args.join(' ')}`).toContain(`usage: banyan ${name ?? ''}`);
      expect(res.stderr, `banyan ${args.join(' ')}`).toBe('');
    }
  }, 120_000);
});
