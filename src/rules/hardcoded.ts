/**
 * HARDCODED rules (seed 002's third rule type): named checks implemented in code, for logic a
 * bank wants reviewed like code rather than edited at run time. `rule_content` holds the name.
 */
type Customer = Readonly<Record<string, unknown>>;

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN);
const historySize = (c: Customer): number => (Array.isArray(c.transactionHistory) ? c.transactionHistory.length : 0);

export const HARDCODED_RULES: Readonly<Record<string, (customer: Customer) => boolean>> = {
  /** 高價值客戶: annualIncome >= 2,000,000 and creditScore >= 700. */
  HIGH_VALUE_CUSTOMER: (c) => num(c.annualIncome) >= 2_000_000 && num(c.creditScore) >= 700,
  /** 新戶判斷: at most 3 transactions on record. */
  NEW_CUSTOMER: (c) => historySize(c) <= 3,
  /** 風險客戶: creditScore < 600 or accountBalance < 10,000. */
  RISK_CUSTOMER: (c) => num(c.creditScore) < 600 || num(c.accountBalance) < 10_000,
  /** 優質新戶: creditScore >= 650, annualIncome >= 800,000 and at most 5 transactions. */
  QUALITY_NEW_CUSTOMER: (c) => num(c.creditScore) >= 650 && num(c.annualIncome) >= 800_000 && historySize(c) <= 5,
};
