import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A fresh clone must test green anywhere: nothing may read data that only exists beside this
 * checkout (`../shared`), and no build, profile or coverage output may be committed.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const git = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' });

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|js|mjs|cjs|md|json)$/.test(name)) out.push(full);
  }
  return out;
}

describe('Given a fresh clone with no ../shared beside it', () => {
  it('When the sources, tests, benches and docs are read, Then none refers to ../shared or /work/shared', () => {
    const offenders = ['src', 'test', 'bench', 'docs']
      .flatMap((d) => sourceFiles(path.join(repoRoot, d)))
      .filter((f) => f !== fileURLToPath(import.meta.url))
      .filter((f) => /\.\.\/shared\b|\/work\/shared\b|['"`]shared\/conformance/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(repoRoot, f));
    expect(offenders).toEqual([]);
  });

  it('Then every vendored conformance folder carries its SOURCE.md and LICENSE', () => {
    const base = path.join(repoRoot, 'test/fixtures/conformance');
    const suites = readdirSync(base).filter((n) => statSync(path.join(base, n)).isDirectory());
    expect(suites.sort()).toEqual(['jsonlogic', 'spel']);
    for (const s of suites) {
      expect(existsSync(path.join(base, s, 'SOURCE.md')), `${s}/SOURCE.md`).toBe(true);
      expect(existsSync(path.join(base, s, 'LICENSE')), `${s}/LICENSE`).toBe(true);
    }
  });
});

describe('Given the committed tree', () => {
  it('When it is listed, Then it holds no V8 logs, profiles, coverage or data directories', () => {
    const junk = git('ls-files')
      .split('\n')
      .filter((f) => /(^|\/)(isolate-.*\.log|.*\.log|.*\.cpuprofile|.*\.heapprofile|.*\.heapsnapshot)$|^(coverage|data|\.clinic)\//.test(f));
    expect(junk).toEqual([]);
  });

  it.each([
    'isolate-0x1d061400-11348-v8.log',
    'npm-debug.log',
    'server.cpuprofile',
    'server.heapprofile',
    'Heap.20260101.heapsnapshot',
    'coverage/coverage-summary.json',
    'data/banyan.db',
    '.clinic/1.clinic-doctor.html',
    'dist/cli/main.js',
  ])('When %s is created, Then .gitignore ignores it', (file) => {
    expect(git('check-ignore', '--no-index', file).trim()).toBe(file);
  });
});
