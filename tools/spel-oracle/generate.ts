/**
 * `npm run spel:oracle`: generates the SpEL differential cases (cases.ts), evaluates them with real
 * Spring (SpelOracle.java, compiled here with javac against Debian's libspring-expression-java and
 * libjackson2-databind-java jars), writes test/fixtures/spel-oracle/cases.json and reports how
 * many Banyan agrees with. Needs Java 17+ and the two Debian packages; the tests do not.
 *
 * Environment: SPEL_ORACLE_CLASSPATH overrides the jar list (colon-separated).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCases, ROOT } from './cases.js';
import { agreement, evaluateWithBanyan, type Fixture, type FixtureCase, type SpringOutcome } from './compare.js';
import { DEVIATIONS, deviationKey } from './deviations.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const JARS = ['spring3-expression.jar', 'spring3-core.jar', 'commons-logging.jar', 'jackson-databind.jar', 'jackson-core.jar', 'jackson-annotations.jar'].map(
  (j) => `/usr/share/java/${j}`,
);
const classpath = process.env.SPEL_ORACLE_CLASSPATH ?? JARS.join(':');

for (const jar of classpath.split(':')) {
  if (!existsSync(jar)) {
    console.error(`missing ${jar}: apt-get install libspring-expression-java libjackson2-databind-java (or set SPEL_ORACLE_CLASSPATH)`);
    process.exit(2);
  }
}

const out = mkdtempSync(join(tmpdir(), 'spel-oracle-'));
execFileSync('javac', ['-d', out, '-cp', classpath, join(here, 'SpelOracle.java')], { stdio: 'inherit' });

// Spring 4.3 predates Java modules: without these opens it cannot call methods such as
// List.contains on the JDK's unmodifiable collections (inline lists).
const javaArgs = [
  '--add-opens',
  'java.base/java.util=ALL-UNNAMED',
  '--add-opens',
  'java.base/java.lang=ALL-UNNAMED',
  '-cp',
  `${out}:${classpath}`,
  'SpelOracle',
];
const cases = generateCases();
const input = cases.map((c) => JSON.stringify({ id: c.id, expr: c.expr, root: c.root, mode: c.mode ?? 'expression' })).join('\n');
const run = spawnSync('java', javaArgs, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}
const results = new Map<string, SpringOutcome>();
for (const line of run.stdout.split('\n')) {
  if (line.trim() === '') continue;
  const r = JSON.parse(line) as { id: string } & SpringOutcome;
  const { id, ...outcome } = r;
  results.set(id, outcome as SpringOutcome);
}
const version = spawnSync('java', [...javaArgs, '--version'], { encoding: 'utf8' });
const springVersion = `spring-expression ${version.stdout.trim()}`;

const fixtureCases: FixtureCase[] = cases.map((c) => {
  const spring = results.get(c.id);
  if (!spring) throw new Error(`the oracle gave no answer for ${c.id}`);
  return { id: c.id, expr: c.expr, ...(c.mode ? { mode: c.mode } : {}), spring };
});
const fixture: Fixture = { spring: springVersion, generated: new Date().toISOString().slice(0, 10), root: ROOT, cases: fixtureCases };
const dir = join(repo, 'test', 'fixtures', 'spel-oracle');
mkdirSync(dir, { recursive: true });
// One case per line: small, and a regenerated fixture diffs case by case.
const head = JSON.stringify({ ...fixture, cases: [] }).slice(0, -2);
writeFileSync(join(dir, 'cases.json'), `${head}\n${fixture.cases.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`);

let agreed = 0;
let equivalentErrors = 0;
const disagreements: string[] = [];
for (const c of fixtureCases) {
  const banyan = evaluateWithBanyan(c.expr, c.mode, ROOT);
  const why = agreement(c.spring, banyan);
  if (why === undefined && !c.spring.ok && !banyan.ok && c.spring.error !== banyan.error) {
    equivalentErrors++;
    if (process.env.SPEL_ORACLE_VERBOSE) console.log(`${c.id} equivalent: Spring ${c.spring.error}, Banyan ${banyan.error}  ${c.expr}`);
  }
  if (why === undefined) agreed++;
  else disagreements.push(`${c.id}${DEVIATIONS[deviationKey(c)] ? ' (documented)' : ''}  ${c.mode === 'template' ? '[template] ' : ''}${c.expr}\n    ${why}`);
}
console.log(disagreements.join('\n'));
const pct = ((100 * agreed) / fixtureCases.length).toFixed(2);
console.log(`\n${fixtureCases.length} cases, Spring ${springVersion}: Banyan agrees on ${agreed} (${pct} %), ${disagreements.length} differ`);
console.log(`(${equivalentErrors} of the agreeing cases are failures under equivalent codes: see compare.ts)`);
