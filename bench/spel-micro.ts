/** Micro-benchmark: ns per evaluate() for seed expressions vs a hand-written function. Run: npx tsx bench/spel-micro.ts */
import { compileSpel } from '../src/engine/spel/index.js';

const NOW = new Date('2025-11-06T19:50:55Z');
const customer = {
  accountType: 'VIP',
  annualIncome: 2_500_000,
  creditScore: 720,
  region: '台北市',
  accountBalance: 600_000,
  transactionCount: 45,
  transactionHistory: Array.from({ length: 10 }, (_, i) => ({ amount: i * 3000 })),
};
function bench(label: string, fn: () => unknown): void {
  const n = 2_000_000;
  let sink = 0;
  for (let i = 0; i < 200_000; i++) if (fn()) sink++;
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (fn()) sink++;
  const ns = Number(process.hrtime.bigint() - t) / n;
  console.log(`${label.padEnd(70)} ${ns.toFixed(1)} ns/eval ${sink > 0 ? '' : ' '}`);
}
const hand = (c: typeof customer): boolean => c.annualIncome >= 2_000_000;
bench('hand-written c.annualIncome >= 2000000', () => hand(customer));
for (const src of [
  '#{annualIncome >= 2000000}',
  "#{accountType == 'VIP'}",
  "#{accountType == 'VIP' and transactionCount >= 30}",
  "#{region in {'台北市','新北市'}}",
  '#{creditScore >= 650 and annualIncome >= 800000 and transactionHistory.size() <= 5}',
  '#{transactionHistory.?[amount > 10000].size() >= 5}',
]) {
  const e = compileSpel(src);
  bench(src, () => e.evaluate(customer, undefined, { now: NOW }));
}
