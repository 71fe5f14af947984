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

describe('Given package.json', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    scripts: Record<string, string>;
  };
  const read = (dirs: string[]) =>
    dirs
      .map((d) => path.join(repoRoot, d))
      .filter((d) => existsSync(d))
      .flatMap(sourceFiles)
      .filter((f) => /\.(ts|js|mjs|cjs)$/.test(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  const configs = ['eslint.config.js', 'vitest.config.ts'].map((f) => readFileSync(path.join(repoRoot, f), 'utf8')).join('\n');
  const imports = (text: string, name: string) =>
    new RegExp(`(?:from|import|require)\\s*\\(?\\s*['"]${name.replace(/[/.]/g, '\\$&')}(?:/[^'"]*)?['"]`).test(text);
  /** Dev tools used by command or by configuration rather than by import, each with where that happens. */
  const TOOLS: Record<string, (scripts: string) => boolean> = {
    '@redocly/cli': (s) => /\bredocly lint\b/.test(s),
    '@types/node': () => /from 'node:/.test(read(['src'])),
    'dependency-cruiser': (s) => /\bdepcruise\b/.test(s),
    '@vitest/coverage-v8': (s) => /--coverage\b/.test(s) && /coverage:/.test(configs),
    eslint: (s) => /\beslint\b/.test(s),
    prettier: (s) => /\bprettier --check\b/.test(s),
    tsx: (s) => /\btsx\b/.test(s),
    typescript: (s) => /\btsc\b/.test(s),
  };

  it('Then every runtime dependency is imported by src/ (ioredis, prom-client … declared and unused is how drift starts)', () => {
    const src = read(['src']);
    expect(Object.keys(pkg.dependencies).filter((d) => !imports(src, d))).toEqual([]);
  });

  it('Then every dev dependency is imported by the tests, benches, scripts or configs, or run by a script', () => {
    const all = `${read(['src', 'test', 'bench', 'scripts', 'tools'])}\n${configs}`;
    const scripts = Object.values(pkg.scripts).join('\n');
    // `@types/x` is used where `x` is imported.
    const unused = Object.keys(pkg.devDependencies).filter((d) => !imports(all, d.replace(/^@types\/(?!node$)/, '')) && !(TOOLS[d]?.(scripts) ?? false));
    expect(unused).toEqual([]);
  });
});
