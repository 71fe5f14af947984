/**
 * Overhead of the evaluation budget (issue 10: size-charged work and an injected deadline) on the
 * normal evaluate path: seed 002's promotionDecisionTree (SpEL) and its JSONLogic twin over 1,024
 * deterministic customers, with and without a per-evaluation DeadlineBudget (as the service
 * creates one per tree), in both step-recording (what POST /evaluate runs) and result-only modes.
 *
 * Before/after: `BENCH_ENGINE_ROOT=/path/to/other/checkout npx tsx bench/budget.bench.ts` runs the
 * same measurement against another checkout's engine (one without budgets: the "budget" rows then
 * equal the plain ones, since the option is ignored there).
 *
 * Run: npx tsx bench/budget.bench.ts   (BENCH_SECONDS=1 per case and round, BENCH_ROUNDS=5)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPrng } from '../src/sandbox/controls.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROOT = resolve(process.env.BENCH_ENGINE_ROOT ?? resolve(import.meta.dirname, '..'));
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(ROOT, path)).href)) as T;

interface Tree {
  evaluate(customer: Record<string, unknown>, options?: Record<string, unknown>): { result: { eligible: boolean } };
}
interface Engine {
  compileTree(def: unknown): Tree;
  EvaluationBudget?: new (expired: () => boolean) => unknown;
}
const engine = await load<Engine>('src/engine/index.ts');
const { promotionDecisionTree } = await load<{ promotionDecisionTree: unknown }>('src/demo/trees.ts');
const { jsonLogicPromotionTree } = await load<{ jsonLogicPromotionTree: unknown }>('src/demo/jsonlogic-trees.ts');

const NOW = new Date('2025-11-06T19:50:55Z');
const rnd = createPrng(20251106);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const customers = Array.from({ length: 1024 }, (_, i) => ({
  customerId: `CUST${String(i).padStart(4, '0')}`,
  accountType: pick(['VIP', 'VIP', '白金', 'PLATINUM', '一般', 'REGULAR', '一般', 'GOLD']),
  annualIncome: Math.floor(rnd() * 8_000_000),
  creditScore: 500 + Math.floor(rnd() * 350),
  region: pick(['台北市', '新北市', '台中市', '高雄市']),
  transactionCount: Math.floor(rnd() * 80),
  accountBalance: Math.floor(rnd() * 120_000_000) / 100,
  transactionHistory: Array.from({ length: Math.floor(rnd() * 7) }, (_, k) => ({ amount: 1000 * (k + 1), type: 'DEPOSIT', date: '2024-01-15' })),
}));

/** The service's budget: DeadlineBudget (src/platform/deadline.ts), 50 ms, as created per tree. */
const deadline = await load<{ DeadlineBudget: new (ms: number) => unknown }>('src/platform/deadline.ts').catch(() => undefined);
const Budget = engine.EvaluationBudget && deadline ? deadline.DeadlineBudget : undefined;
const newBudget = Budget ? () => new Budget(50) : () => undefined;

function nsPerEvaluation(run: (c: Record<string, unknown>) => unknown): number {
  let n = 0;
  let i = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  while (performance.now() < end) {
    for (let k = 0; k < 256; k++) {
      run(customers[i] as Record<string, unknown>);
      i = (i + 1) & 1023;
    }
    n += 256;
  }
  return ((performance.now() - start) * 1e6) / n;
}

const cases: [string, (c: Record<string, unknown>) => unknown][] = [];
for (const [name, def] of [
  ['SpEL tree', promotionDecisionTree],
  ['JSONLogic tree', jsonLogicPromotionTree],
] as const) {
  const tree = engine.compileTree(def);
  cases.push([`${name}, steps`, (c) => tree.evaluate(c, { now: NOW, clock: () => performance.now() })]);
  cases.push([`${name}, steps + budget`, (c) => tree.evaluate(c, { now: NOW, clock: () => performance.now(), budget: newBudget() })]);
  cases.push([`${name}, result only`, (c) => tree.evaluate(c, { now: NOW, recordSteps: false })]);
  cases.push([`${name}, result only + budget`, (c) => tree.evaluate(c, { now: NOW, recordSteps: false, budget: newBudget() })]);
}

const best = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of cases) {
    const ns = nsPerEvaluation(run);
    best.set(name, Math.min(best.get(name) ?? Infinity, ns));
  }
}
console.log(`engine: ${ROOT} (budget ${Budget ? 'supported' : 'not supported: budget rows ignore the option'})`);
console.log('| case | ns / evaluation (best of rounds) |');
console.log('|---|---:|');
for (const [name] of cases) console.log(`| ${name} | ${Math.round(best.get(name) ?? 0)} |`);
