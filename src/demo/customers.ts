/** The document's example customers (API 使用範例), shared by the OpenAPI examples, tests and benchmarks. */

/** 高價值客戶評估: answered with promo-vip-001 (VIP專屬優惠, 5000, 10 %); the evaluation module's documented example. */
export { CUST001 } from '../evaluation/index.js';

/** 一般客戶評估: answered with promo-new-001 (新戶開戶優惠, 1000). */
export const CUST002 = {
  customerId: 'CUST002',
  accountType: '一般',
  annualIncome: 500000,
  creditScore: 650,
  region: '台中市',
  transactionCount: 20,
  accountBalance: 100000,
  transactionHistory: [],
} as const;
