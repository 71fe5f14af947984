import type { RuleInput } from '../rules/index.js';

/** Sample promotion rules: the document's H2 examples and its 新戶開戶優惠 curl example. */
export const demoRules: readonly RuleInput[] = [
  {
    name: 'VIP高收入客戶規則',
    ruleType: 'SPEL',
    ruleContent: '#{annualIncome >= 2000000 and accountType == "VIP"}',
    parameters: { discountPercentage: 10.0, maxDiscount: 10000 },
    description: '年收入 200 萬以上的 VIP 客戶',
    status: 'ACTIVE',
  },
  {
    name: '新戶開戶規則',
    ruleType: 'SPEL',
    ruleContent: '#{transactionHistory.size() <= 3 and creditScore >= 650}',
    parameters: { discountAmount: 1000, validDays: 30 },
    description: '交易筆數 3 筆以內且信用評分 650 以上',
    status: 'ACTIVE',
  },
  {
    name: '地區限制規則',
    ruleType: 'SPEL',
    ruleContent: "#{region in {'台北市','新北市'}}",
    parameters: { applicableRegions: ['台北市', '新北市'] },
    description: '北部地區優惠 (台北市、新北市)',
    status: 'ACTIVE',
  },
  {
    name: '高價值客戶 (內建)',
    ruleType: 'HARDCODED',
    ruleContent: 'HIGH_VALUE_CUSTOMER',
    description: '年收入 200 萬以上且信用評分 700 以上',
    status: 'ACTIVE',
  },
];
