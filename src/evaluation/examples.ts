/** Seed 002's documented example customer (API 使用範例), owned here because the evaluate request's OpenAPI example is it; the demo data re-exports it. */

/** 高價值客戶評估: answered with promo-vip-001 (VIP專屬優惠, 5000, 10 %). */
export const CUST001 = {
  customerId: 'CUST001',
  accountType: 'VIP',
  annualIncome: 2000000,
  creditScore: 750,
  region: '台北市',
  transactionCount: 50,
  accountBalance: 500000,
  transactionHistory: [
    { amount: 10000, type: 'DEPOSIT', date: '2024-01-15' },
    { amount: 5000, type: 'TRANSFER', date: '2024-01-20' },
  ],
} as const;
