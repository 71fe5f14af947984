import type { NodeDefinition, StrategyType, TreeDefinition } from '../engine/types.js';
import { vipCustomerTree } from '../trees/index.js';

/**
 * Seed 002's example trees, exactly as the document writes them (範例 1 and 範例 2), and the full
 * "優惠評估決策邏輯" flowchart (VIP / 白金 / 一般 branches, six offers) expressed as a tree.
 *
 * Traversal reminder: a true condition descends into its children; a false one tries the next
 * sibling; a CALCULATION node met as a sibling therefore acts as the "否" (else) branch.
 */

/** 範例 1: VIP 客戶決策樹 (the trees module's documented example, also the OpenAPI example). */
export { vipCustomerTree };

/** 範例 2: 新戶優惠決策樹 (verbatim from the document). */
export const newCustomerTree: TreeDefinition = {
  treeId: 'new-customer-tree',
  name: '新戶優惠決策樹',
  status: 'ACTIVE',
  rootNode: {
    nodeId: 'root',
    nodeType: 'CONDITION',
    configuration: { commandType: 'SPEL_CONDITION', expression: '#{transactionHistory.size() <= 3}', description: '新戶判斷' },
    children: [
      {
        nodeId: 'credit-check',
        nodeType: 'CONDITION',
        configuration: { commandType: 'SPEL_CONDITION', expression: '#{creditScore >= 650}', description: '信用評分檢查' },
        children: [
          {
            nodeId: 'new-customer-offer',
            nodeType: 'CALCULATION',
            configuration: {
              commandType: 'CALCULATION',
              strategyType: 'FIXED_AMOUNT',
              parameters: { discountAmount: 1000, promotionName: '新戶開戶優惠', validDays: 30 },
            },
          },
        ],
      },
    ],
  },
};

const calc = (nodeId: string, strategyType: StrategyType, parameters: Record<string, unknown>): NodeDefinition => ({
  nodeId,
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType, parameters },
});

const cond = (nodeId: string, expression: string, description: string, children: NodeDefinition[]): NodeDefinition => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'SPEL_CONDITION', expression, description },
  children,
});

/**
 * The document's "優惠評估決策邏輯" flowchart. Its VIP high-value leaf is the offer the document's
 * CUST001 curl example answers with (promo-vip-001, VIP專屬優惠, 5000, 10.0, tier VIP / premium).
 */
export const promotionDecisionTree: TreeDefinition = {
  treeId: 'promotion-decision-tree',
  name: '優惠評估決策邏輯',
  description: '帳戶類型判斷 → VIP / 白金 / 一般 分支，六種優惠',
  status: 'ACTIVE',
  rootNode: cond('root', "#{customerId != null and customerId != ''}", '根節點評估', [
    cond('vip-branch', "#{accountType == 'VIP'}", 'VIP 分支', [
      cond('vip-income', '#{annualIncome >= 2000000}', '年收入 >= 200萬?', [
        calc('calc-vip-high', 'TIERED_DISCOUNT', {
          promotionId: 'promo-vip-001',
          promotionName: 'VIP專屬優惠',
          promotionType: 'VIP',
          description: 'VIP客戶專屬高額優惠',
          baseField: 'annualIncome',
          tiers: [
            { threshold: 2000000, discountAmount: 5000, discountPercentage: 10.0 },
            { threshold: 5000000, discountAmount: 12000, discountPercentage: 15.0 },
          ],
          validDays: 92,
          additionalDetails: { tier: 'VIP', category: 'premium' },
        }),
      ]),
      calc('calc-vip-regular', 'FIXED_AMOUNT', {
        promotionId: 'promo-vip-002',
        promotionName: 'VIP標準優惠',
        promotionType: 'VIP',
        description: 'VIP客戶標準優惠',
        discountAmount: 2000,
        validDays: 92,
        additionalDetails: { tier: 'VIP', category: 'standard' },
      }),
    ]),
    cond('platinum-branch', "#{accountType == '白金' or accountType == 'PLATINUM'}", '白金分支', [
      cond('plat-credit', '#{creditScore >= 700}', '信用評分 >= 700?', [
        calc('calc-plat-high', 'PERCENTAGE_DISCOUNT', {
          promotionId: 'promo-plat-001',
          promotionName: '白金優質優惠',
          promotionType: 'PLATINUM',
          description: '白金優質客戶手續費減免',
          baseField: 'accountBalance',
          discountPercentage: 1.5,
          maxDiscount: 3000,
          validDays: 60,
          additionalDetails: { tier: 'PLATINUM', category: 'premium' },
        }),
      ]),
      calc('calc-plat-regular', 'FIXED_AMOUNT', {
        promotionId: 'promo-plat-002',
        promotionName: '白金標準優惠',
        promotionType: 'PLATINUM',
        description: '白金客戶標準優惠',
        discountAmount: 800,
        validDays: 60,
        additionalDetails: { tier: 'PLATINUM', category: 'standard' },
      }),
    ]),
    cond('regular-branch', "#{accountType == '一般' or accountType == 'REGULAR'}", '一般分支', [
      cond('reg-new', '#{transactionHistory.size() <= 3}', '新戶判斷', [
        calc('calc-new', 'FIXED_AMOUNT', {
          promotionId: 'promo-new-001',
          promotionName: '新戶開戶優惠',
          promotionType: 'NEW_CUSTOMER',
          description: '新客戶開戶現金禮 1000 元',
          discountAmount: 1000,
          validDays: 30,
          additionalDetails: { tier: 'REGULAR', category: 'new-account' },
        }),
      ]),
      calc('calc-existing', 'PROGRESSIVE_DISCOUNT', {
        promotionId: 'promo-reg-001',
        promotionName: '既有客戶優惠',
        promotionType: 'REGULAR',
        description: '隨交易量增加的累進回饋',
        baseField: 'accountBalance',
        brackets: [
          { from: 0, to: 100000, rate: 0.1 },
          { from: 100000, to: 500000, rate: 0.2 },
          { from: 500000, rate: 0.3 },
        ],
        maxDiscount: 5000,
        validDays: 30,
        additionalDetails: { tier: 'REGULAR', category: 'loyalty' },
      }),
    ]),
  ]),
};

/** All demo trees, in the priority order used when no treeId is given (first = highest). */
export const demoTrees: readonly { readonly tree: TreeDefinition; readonly priority: number }[] = [
  { tree: promotionDecisionTree, priority: 100 },
  { tree: vipCustomerTree, priority: 50 },
  { tree: newCustomerTree, priority: 10 },
];
