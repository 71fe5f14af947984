import { describe, expect, it } from 'vitest';
import { compileSpel } from './index.js';

/** Every condition-factor example of seed 002 (also quoted in docs/expressions.md). */
const customer = {
  accountType: 'VIP',
  annualIncome: 2_500_000,
  creditScore: 720,
  region: '台北市',
  accountBalance: 600_000,
  transactionCount: 45,
  transactionHistory: [{ amount: 12_000 }, { amount: 15_000 }, { amount: 500 }, { amount: 20_000 }, { amount: 30_000 }, { amount: 11_000 }],
};
const newcomer = {
  ...customer,
  accountType: '一般',
  annualIncome: 900_000,
  creditScore: 580,
  region: '高雄市',
  accountBalance: 5_000,
  transactionCount: 2,
  transactionHistory: [{ amount: 100 }],
};

const examples: readonly [string, boolean, boolean][] = [
  ["#{accountType == 'VIP'}", true, false],
  ['#{annualIncome >= 2000000}', true, false],
  ['#{creditScore >= 750}', false, false],
  ["#{region in {'台北市','新北市'}}", true, false],
  ['#{accountBalance >= 500000}', true, false],
  ['#{transactionCount >= 50}', false, false],
  ['#{transactionHistory.?[amount > 10000].size() >= 5}', true, false],
  ['#{transactionHistory.size() <= 3}', false, true],
  ["#{accountType == 'VIP' and transactionCount >= 30}", true, false],
  ['#{annualIncome >= 2000000 and creditScore >= 700}', true, false],
  ['#{creditScore >= 650 and annualIncome >= 800000 and transactionHistory.size() <= 5}', false, false],
  ['#{creditScore < 600 or accountBalance < 10000}', false, true],
  ['#{creditScore >= 650}', true, false],
  ['#{annualIncome > 1000000}', true, false],
  ['#{annualIncome >= 2000000 and accountType == "VIP"}', true, false],
  ['#{transactionHistory.size() <= 3 and creditScore >= 650}', false, false],
  ['#{creditScore > 600 and accountType == "一般"}', false, false],
];

describe('seed 002 condition factors', () => {
  it.each(examples)('%s', (source, forVip, forNewcomer) => {
    const expr = compileSpel(source);
    expect(expr.resultType).toBe('boolean');
    expect(expr.evaluate(customer, undefined, { now: new Date() })).toBe(forVip);
    expect(expr.evaluate(newcomer, undefined, { now: new Date() })).toBe(forNewcomer);
  });

  it('reports the root fields each example reads', () => {
    expect(compileSpel('#{transactionHistory.?[amount > 10000].size() >= 5}').fields).toEqual(['transactionHistory']);
    expect(compileSpel('#{creditScore >= 650 and annualIncome >= 800000 and transactionHistory.size() <= 5}').fields).toEqual([
      'creditScore',
      'annualIncome',
      'transactionHistory',
    ]);
  });
});
