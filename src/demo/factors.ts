/**
 * Seed 002's 條件因子與計算因子 — every factor of the document as a ready-made promotion rule and a
 * demo tree (`factor-<slug>`). Condition factors gate a small offer that names the factor;
 * calculation factors compute the document's formula (FORMULA strategy in SpEL money mode).
 * Offers that are interest rates (VIP 貸款, 定存利率加碼) have promotionType RATE_OFFER: the
 * formula yields the offered rate in percentage points, and additionalDetails spells it out.
 *
 * Priorities sit below the document's own demo trees (100/50/10), so with no treeId those still win
 * whenever they apply; the factor trees are meant to be evaluated by treeId or as fallbacks.
 */
import { DRL_EXAMPLES } from '../engine/index.js';
import type { NodeDefinition, StrategyType, TreeDefinition } from '../engine/types.js';
import type { RuleInput } from '../rules/index.js';

type Category =
  | '客戶基本資料條件'
  | '交易行為條件'
  | '複合條件'
  | '外部系統整合條件'
  | '折扣計算策略'
  | 'VIP 客戶專屬計算'
  | '一般客戶優惠計算'
  | '地區性優惠計算'
  | '產品交叉銷售計算'
  | 'Drools 規則';

export interface Factor {
  readonly slug: string;
  readonly name: string;
  readonly category: Category;
  /** The document's expression or formula, for the catalogue (docs/external.md). */
  readonly formula: string;
  readonly priority: number;
  readonly rootNode: NodeDefinition;
  /** The same factor as a promotion rule (SPEL gate + the offer's parameters), when it has a SpEL form. */
  readonly rule?: RuleInput;
}

const spel = (nodeId: string, expression: string, description: string, children: NodeDefinition[]): NodeDefinition => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'SPEL_CONDITION', expression, description },
  children,
});

const offer = (nodeId: string, strategyType: StrategyType, parameters: Record<string, unknown>): NodeDefinition => ({
  nodeId,
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType, parameters },
});

const fixed = (slug: string, name: string, amount: number, extra: Record<string, unknown> = {}): NodeDefinition =>
  offer(`${slug}-offer`, 'FIXED_AMOUNT', { discountAmount: amount, promotionId: `factor-${slug}`, promotionName: name, validDays: 30, ...extra });

/** A condition factor: its SpEL gate and a small offer naming it. */
function conditionFactor(slug: string, name: string, category: Category, expression: string, offerName: string, amount: number): Factor {
  return {
    slug,
    name,
    category,
    formula: expression,
    priority: -100,
    rootNode: spel(slug, expression, name, [fixed(slug, offerName, amount, { promotionType: 'CONDITION_FACTOR', additionalDetails: { factor: name } })]),
    rule: {
      name: `條件因子: ${name}`,
      ruleType: 'SPEL',
      ruleContent: expression,
      parameters: { factor: slug, discountAmount: amount },
      description: `${category} — ${offerName}`,
      status: 'ACTIVE',
    },
  };
}

/** A calculation factor behind a SpEL gate. */
function calculationFactor(slug: string, name: string, category: Category, gate: string, formula: string, leaf: NodeDefinition): Factor {
  const parameters = leaf.configuration.parameters ?? {};
  return {
    slug,
    name,
    category,
    formula,
    priority: -50,
    rootNode: spel(slug, gate, name, [leaf]),
    rule: {
      name: `計算因子: ${name}`,
      ruleType: 'SPEL',
      ruleContent: gate,
      parameters: { strategyType: leaf.configuration.strategyType, ...parameters },
      description: `${category} — ${formula}`,
      status: 'ACTIVE',
    },
  };
}

const BASE_LOAN_RATE = 2.06;
const BASE_DEPOSIT_RATE = 1.6;

export const FACTORS: readonly Factor[] = [
  // 1. 客戶基本資料條件
  conditionFactor('account-type', '帳戶類型判斷', '客戶基本資料條件', "#{accountType == 'VIP'}", 'VIP 專屬服務禮', 500),
  conditionFactor('annual-income', '年收入門檻', '客戶基本資料條件', '#{annualIncome >= 2000000}', '高收入理財諮詢禮', 800),
  conditionFactor('credit-score', '信用評分等級', '客戶基本資料條件', '#{creditScore >= 750}', '優良信用禮', 300),
  conditionFactor('region', '地區限制', '客戶基本資料條件', "#{region in {'台北市','新北市'}}", '地區限定活動', 200),
  conditionFactor('account-balance', '帳戶餘額門檻', '客戶基本資料條件', '#{accountBalance >= 500000}', '資產客戶禮', 400),
  // 2. 交易行為條件
  conditionFactor('transaction-frequency', '交易頻率', '交易行為條件', '#{transactionCount >= 50}', '活躍客戶回饋', 300),
  conditionFactor('transaction-amount', '交易金額', '交易行為條件', '#{transactionHistory.?[amount > 10000].size() >= 5}', '大額交易客戶回饋', 600),
  conditionFactor('new-customer', '新戶判斷', '交易行為條件', '#{transactionHistory.size() <= 3}', '新戶歡迎禮', 100),
  conditionFactor('vip-active', 'VIP 交易模式', '交易行為條件', "#{accountType == 'VIP' and transactionCount >= 30}", 'VIP 活躍客戶回饋', 700),
  // 3. 複合條件
  conditionFactor('high-value', '高價值客戶', '複合條件', '#{annualIncome >= 2000000 and creditScore >= 700}', '頂級客戶禮', 1000),
  conditionFactor(
    'quality-new',
    '優質新戶',
    '複合條件',
    '#{creditScore >= 650 and annualIncome >= 800000 and transactionHistory.size() <= 5}',
    '優質新戶禮',
    800,
  ),
  {
    // 風險客戶 is a guard: the offer goes to customers who are NOT risky.
    ...conditionFactor('risk-customer', '風險客戶', '複合條件', '#{creditScore < 600 or accountBalance < 10000}', '低風險客戶優惠', 200),
    rootNode: spel('risk-customer', '#{!(creditScore < 600 or accountBalance < 10000)}', '非風險客戶 (風險客戶不給優惠)', [
      fixed('risk-customer', '低風險客戶優惠', 200, { promotionType: 'CONDITION_FACTOR', additionalDetails: { factor: '風險客戶' } }),
    ]),
  },
  // 4. 外部系統整合條件
  {
    slug: 'credit-bureau',
    name: '信用局查詢',
    category: '外部系統整合條件',
    formula: 'EXTERNAL_SYSTEM credit-bureau: #{#creditBureau.score >= 700}',
    priority: -100,
    rootNode: {
      nodeId: 'credit-bureau',
      nodeType: 'CONDITION',
      configuration: {
        commandType: 'EXTERNAL_SYSTEM',
        system: 'credit-bureau',
        resultVariable: 'creditBureau',
        condition: '#{#creditBureau.score >= 700}',
        description: '信用局查詢',
      },
      children: [fixed('credit-bureau', '信用驗證優惠', 500, { promotionType: 'CONDITION_FACTOR', additionalDetails: { factor: '信用局查詢' } })],
    },
  },
  {
    slug: 'aml',
    name: '反洗錢檢查',
    category: '外部系統整合條件',
    formula: 'EXTERNAL_SYSTEM aml: #{!#aml.hit}',
    priority: -100,
    rootNode: {
      nodeId: 'aml',
      nodeType: 'CONDITION',
      configuration: {
        commandType: 'EXTERNAL_SYSTEM',
        system: 'aml',
        resultVariable: 'aml',
        condition: '#{!#aml.hit}',
        description: '反洗錢檢查 (命中者不給優惠)',
      },
      children: [fixed('aml', '合規客戶優惠', 200, { promotionType: 'CONDITION_FACTOR', additionalDetails: { factor: '反洗錢檢查' } })],
    },
  },
  {
    slug: 'blacklist',
    name: '黑名單檢查',
    category: '外部系統整合條件',
    formula: 'DATABASE_QUERY blacklist-check(customerId), matchWhen NOT_FOUND',
    priority: -100,
    rootNode: {
      nodeId: 'blacklist',
      nodeType: 'CONDITION',
      configuration: {
        commandType: 'DATABASE_QUERY',
        query: 'blacklist-check',
        params: { customerId: '#{customerId}' },
        resultVariable: 'blacklist',
        matchWhen: 'NOT_FOUND',
        description: '黑名單檢查 (名單內者不給優惠)',
      },
      children: [fixed('blacklist', '良好客戶優惠', 200, { promotionType: 'CONDITION_FACTOR', additionalDetails: { factor: '黑名單檢查' } })],
    },
  },
  {
    slug: 'product-holdings',
    name: '產品持有狀況',
    category: '外部系統整合條件',
    formula: 'DATABASE_QUERY product-holdings(customerId): #{#holdings.rowCount >= 2}',
    priority: -100,
    rootNode: {
      nodeId: 'product-holdings',
      nodeType: 'CONDITION',
      configuration: {
        commandType: 'DATABASE_QUERY',
        query: 'product-holdings',
        params: { customerId: '#{customerId}' },
        resultVariable: 'holdings',
        matchWhen: '#{#holdings.rowCount >= 2}',
        description: '產品持有狀況 (多產品客戶)',
      },
      children: [fixed('product-holdings', '多產品客戶回饋', 500, { promotionType: 'CONDITION_FACTOR', additionalDetails: { factor: '產品持有狀況' } })],
    },
  },

  // 計算因子 1. 折扣計算策略
  calculationFactor(
    'percentage-discount',
    '百分比折扣',
    '折扣計算策略',
    '#{transactionCount >= 10}',
    'accountBalance × 0.1% (上限 2000) — 手續費減免',
    offer('percentage-discount-offer', 'PERCENTAGE_DISCOUNT', {
      discountPercentage: 0.1,
      baseField: 'accountBalance',
      maxDiscount: 2000,
      promotionId: 'factor-percentage-discount',
      promotionName: '手續費減免',
      promotionType: 'PERCENTAGE_DISCOUNT',
      validDays: 30,
    }),
  ),
  calculationFactor(
    'fixed-amount',
    '固定金額優惠',
    '折扣計算策略',
    '#{transactionHistory.size() <= 3 and creditScore >= 600}',
    '固定 500 元現金回饋 — 開戶禮金',
    offer('fixed-amount-offer', 'FIXED_AMOUNT', {
      discountAmount: 500,
      promotionId: 'factor-fixed-amount',
      promotionName: '開戶禮金',
      promotionType: 'FIXED_AMOUNT',
      validDays: 30,
    }),
  ),
  calculationFactor(
    'tiered-discount',
    '階層式折扣',
    '折扣計算策略',
    "#{accountType == 'VIP' or accountType == '白金'}",
    'annualIncome ≥ 100萬: 1000; ≥ 200萬: 3000; ≥ 500萬: 8000 — VIP 專屬優惠',
    offer('tiered-discount-offer', 'TIERED_DISCOUNT', {
      baseField: 'annualIncome',
      tiers: [
        { threshold: 1000000, discountAmount: 1000 },
        { threshold: 2000000, discountAmount: 3000 },
        { threshold: 5000000, discountAmount: 8000 },
      ],
      promotionId: 'factor-tiered-discount',
      promotionName: 'VIP 階層優惠',
      promotionType: 'TIERED_DISCOUNT',
      validDays: 30,
    }),
  ),
  calculationFactor(
    'progressive-discount',
    '累進式優惠',
    '折扣計算策略',
    '#{transactionCount >= 20}',
    'accountBalance: 0–10萬 0.1%、10–50萬 0.2%、50萬以上 0.3% (累進) — 交易量獎勵',
    offer('progressive-discount-offer', 'PROGRESSIVE_DISCOUNT', {
      baseField: 'accountBalance',
      brackets: [
        { from: 0, to: 100000, rate: 0.1 },
        { from: 100000, to: 500000, rate: 0.2 },
        { from: 500000, rate: 0.3 },
      ],
      promotionId: 'factor-progressive-discount',
      promotionName: '交易量累進獎勵',
      promotionType: 'PROGRESSIVE_DISCOUNT',
      validDays: 30,
    }),
  ),

  // 2. VIP 客戶專屬計算
  calculationFactor(
    'vip-wealth',
    'VIP 專屬理財優惠',
    'VIP 客戶專屬計算',
    "#{accountType == 'VIP' and annualIncome >= 2000000}",
    '基礎優惠 × 1.5 + VIP加成',
    offer('vip-wealth-offer', 'FORMULA', {
      formula: '#param_baseOffer * 1.5 + #param_vipBonus',
      baseOffer: 2000,
      vipBonus: 1000,
      promotionId: 'factor-vip-wealth',
      promotionName: 'VIP 專屬理財優惠',
      promotionType: 'VIP',
      validDays: 90,
      additionalDetails: { services: ['專屬理財顧問', '手續費全免'] },
    }),
  ),
  calculationFactor(
    'vip-credit-card',
    'VIP 信用卡優惠',
    'VIP 客戶專屬計算',
    "#{accountType == 'VIP'}",
    '年費減免 + 現金回饋加碼',
    offer('vip-credit-card-offer', 'FORMULA', {
      formula: '#param_annualFeeWaiver + #param_cashbackBonus',
      annualFeeWaiver: 2400,
      cashbackBonus: 1200,
      promotionId: 'factor-vip-credit-card',
      promotionName: 'VIP 信用卡優惠',
      promotionType: 'VIP',
      validDays: 90,
      additionalDetails: { card: '白金卡', benefit: '白金卡年費減免' },
    }),
  ),
  calculationFactor(
    'vip-loan',
    'VIP 貸款優惠',
    'VIP 客戶專屬計算',
    "#{accountType == 'VIP' and creditScore >= 700}",
    '基準利率 - 0.5%',
    offer('vip-loan-offer', 'FORMULA', {
      formula: '#param_baseRate - #param_rateDiscount',
      baseRate: BASE_LOAN_RATE,
      rateDiscount: 0.5,
      discountPercentage: 0.5,
      promotionId: 'factor-vip-loan',
      promotionName: 'VIP 房貸利率優惠',
      promotionType: 'RATE_OFFER',
      validDays: 90,
      additionalDetails: {
        rateUnit: 'PERCENTAGE_POINTS',
        baseRate: BASE_LOAN_RATE,
        rateAdjustment: -0.5,
        offeredRate: 1.56,
        note: 'discountAmount carries the offered rate in percentage points',
      },
    }),
  ),

  // 3. 一般客戶優惠計算
  calculationFactor(
    'new-account',
    '新戶開戶優惠',
    '一般客戶優惠計算',
    '#{transactionHistory.size() <= 3}',
    '固定金額 1000 元',
    offer('new-account-offer', 'FIXED_AMOUNT', {
      discountAmount: 1000,
      promotionId: 'factor-new-account',
      promotionName: '新戶開戶優惠',
      promotionType: 'NEW_CUSTOMER',
      validDays: 30,
      additionalDetails: { benefit: '開戶現金禮' },
    }),
  ),
  calculationFactor(
    'digital-account',
    '數位帳戶優惠',
    '一般客戶優惠計算',
    '#{digitalBanking == true}',
    '轉帳手續費減免 6 個月 (每月 100 元 × 6)',
    offer('digital-account-offer', 'FORMULA', {
      formula: '#param_monthlyTransferFeeWaiver * #param_months',
      monthlyTransferFeeWaiver: 100,
      months: 6,
      promotionId: 'factor-digital-account',
      promotionName: '數位帳戶優惠',
      promotionType: 'FEE_WAIVER',
      validDays: 180,
      additionalDetails: { benefit: '轉帳手續費減免', waiverMonths: 6 },
    }),
  ),
  calculationFactor(
    'time-deposit',
    '定存利率加碼',
    '一般客戶優惠計算',
    '#{accountBalance >= 100000}',
    '基準利率 + 0.2%',
    offer('time-deposit-offer', 'FORMULA', {
      formula: '#param_baseRate + #param_rateBonus',
      baseRate: BASE_DEPOSIT_RATE,
      rateBonus: 0.2,
      promotionId: 'factor-time-deposit',
      promotionName: '定存利率加碼',
      promotionType: 'RATE_OFFER',
      validDays: 30,
      additionalDetails: {
        rateUnit: 'PERCENTAGE_POINTS',
        baseRate: BASE_DEPOSIT_RATE,
        rateAdjustment: 0.2,
        offeredRate: 1.8,
        note: 'discountAmount carries the offered rate in percentage points',
      },
    }),
  ),

  // 4. 地區性優惠計算
  calculationFactor(
    'region-north',
    '北部地區優惠',
    '地區性優惠計算',
    "#{region in {'台北市','新北市'}}",
    '台北市、新北市: 分行服務費減免 300 元',
    offer('region-north-offer', 'FIXED_AMOUNT', {
      discountAmount: 300,
      promotionId: 'factor-region-north',
      promotionName: '北部地區優惠',
      promotionType: 'REGIONAL',
      validDays: 30,
      additionalDetails: { benefit: '分行服務費減免', applicableRegions: ['台北市', '新北市'] },
    }),
  ),
  calculationFactor(
    'region-central',
    '中部地區優惠',
    '地區性優惠計算',
    "#{region in {'台中市','彰化縣'}}",
    '台中市、彰化縣: 在地商家合作優惠 300 元',
    offer('region-central-offer', 'FIXED_AMOUNT', {
      discountAmount: 300,
      promotionId: 'factor-region-central',
      promotionName: '中部地區優惠',
      promotionType: 'REGIONAL',
      validDays: 30,
      additionalDetails: { benefit: '在地商家合作優惠', applicableRegions: ['台中市', '彰化縣'] },
    }),
  ),
  calculationFactor(
    'region-south',
    '南部地區優惠',
    '地區性優惠計算',
    "#{region in {'高雄市','台南市'}}",
    '高雄市、台南市: 區域性現金回饋 300 元',
    offer('region-south-offer', 'FIXED_AMOUNT', {
      discountAmount: 300,
      promotionId: 'factor-region-south',
      promotionName: '南部地區優惠',
      promotionType: 'REGIONAL',
      validDays: 30,
      additionalDetails: { benefit: '區域性現金回饋', applicableRegions: ['高雄市', '台南市'] },
    }),
  ),

  // 5. 產品交叉銷售計算 (product holdings from DATABASE_QUERY)
  {
    slug: 'cross-sell-credit-card',
    name: '信用卡推薦',
    category: '產品交叉銷售計算',
    formula: '無信用卡 (has-product CREDIT_CARD NOT_FOUND) 且信用良好 (creditScore ≥ 700) → 首年年費減免 1800',
    priority: -50,
    rootNode: spel('cross-sell-credit-card', '#{creditScore >= 700}', '信用良好', [
      {
        nodeId: 'no-credit-card',
        nodeType: 'CONDITION',
        configuration: {
          commandType: 'DATABASE_QUERY',
          query: 'has-product',
          params: { customerId: '#{customerId}', productType: 'CREDIT_CARD' },
          matchWhen: 'NOT_FOUND',
          description: '無信用卡',
        },
        children: [
          offer('cross-sell-credit-card-offer', 'FIXED_AMOUNT', {
            discountAmount: 1800,
            promotionId: 'factor-cross-sell-credit-card',
            promotionName: '信用卡推薦',
            promotionType: 'CROSS_SELL',
            validDays: 60,
            additionalDetails: { benefit: '首年年費減免' },
          }),
        ],
      },
    ]),
  },
  {
    slug: 'cross-sell-investment',
    name: '投資理財推薦',
    category: '產品交叉銷售計算',
    formula: '高資產 (accountBalance ≥ 1,000,000) 且無投資產品 → 理財手續費優惠 0.5% (上限 3000)',
    priority: -50,
    rootNode: spel('cross-sell-investment', '#{accountBalance >= 1000000}', '高資產', [
      {
        nodeId: 'no-investment',
        nodeType: 'CONDITION',
        configuration: {
          commandType: 'DATABASE_QUERY',
          query: 'has-product',
          params: { customerId: '#{customerId}', productType: 'INVESTMENT' },
          matchWhen: 'NOT_FOUND',
          description: '無投資產品',
        },
        children: [
          offer('cross-sell-investment-offer', 'PERCENTAGE_DISCOUNT', {
            discountPercentage: 0.5,
            baseField: 'accountBalance',
            maxDiscount: 3000,
            promotionId: 'factor-cross-sell-investment',
            promotionName: '投資理財推薦',
            promotionType: 'CROSS_SELL',
            validDays: 60,
            additionalDetails: { benefit: '理財手續費優惠' },
          }),
        ],
      },
    ]),
  },
  {
    slug: 'cross-sell-insurance',
    name: '保險產品推薦',
    category: '產品交叉銷售計算',
    formula: '家庭客戶 (familyMembers ≥ 3) 且無保險 → 保費折扣 10% (annualPremium × 10%，上限 5000)',
    priority: -50,
    rootNode: spel('cross-sell-insurance', '#{familyMembers != null and familyMembers >= 3}', '家庭客戶', [
      {
        nodeId: 'no-insurance',
        nodeType: 'CONDITION',
        configuration: {
          commandType: 'DATABASE_QUERY',
          query: 'has-product',
          params: { customerId: '#{customerId}', productType: 'INSURANCE' },
          matchWhen: 'NOT_FOUND',
          description: '無保險',
        },
        children: [
          offer('cross-sell-insurance-offer', 'FORMULA', {
            formula: '(annualPremium ?: 12000) * #param_rate / 100',
            rate: 10,
            maxDiscount: 5000,
            discountPercentage: 10,
            promotionId: 'factor-cross-sell-insurance',
            promotionName: '保險產品推薦',
            promotionType: 'CROSS_SELL',
            validDays: 60,
            additionalDetails: { benefit: '保費折扣優惠' },
          }),
        ],
      },
    ]),
  },

  // Drools: the document's DroolsRuleCommand, backed by a DROOLS promotion rule.
  {
    slug: 'drools-vip',
    name: 'VIP高收入客戶規則 (Drools)',
    category: 'Drools 規則',
    formula: 'DROOLS_RULE 「VIP高收入 (Drools)」: accountType == "VIP", annualIncome >= 2000000, creditScore >= 700',
    priority: -50,
    rootNode: {
      nodeId: 'drools-vip',
      nodeType: 'CONDITION',
      configuration: { commandType: 'DROOLS_RULE', ruleName: 'VIP高收入 (Drools)', resultVariable: 'drools', description: 'Drools 規則判斷' },
      children: [
        offer('drools-vip-offer', 'FORMULA', {
          formula: 'annualIncome * 0.0025',
          promotionId: 'factor-drools-vip',
          promotionName: 'VIP專屬優惠 (Drools)',
          promotionType: 'TIERED_DISCOUNT',
          discountPercentage: 10,
          validDays: 30,
        }),
      ],
    },
    rule: {
      name: 'VIP高收入 (Drools)',
      ruleType: 'DROOLS',
      ruleContent: DRL_EXAMPLES.vipHighIncome,
      description: 'DRL example: VIP 高收入客戶 (salience 100) + 頂級收入加碼 (salience 50)',
      status: 'ACTIVE',
    },
  },
];

export const demoFactorTrees: readonly { readonly tree: TreeDefinition; readonly priority: number }[] = FACTORS.map((f) => ({
  tree: { treeId: `factor-${f.slug}`, name: `因子: ${f.name}`, description: `${f.category} — ${f.formula}`, status: 'ACTIVE', rootNode: f.rootNode },
  priority: f.priority,
}));

export const demoFactorRules: readonly RuleInput[] = FACTORS.flatMap((f) => (f.rule ? [f.rule] : []));
