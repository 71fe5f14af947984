import type { TreeDefinition } from '../engine/types.js';

/**
 * Seed 002's documented example tree, owned here because the API documents it (the OpenAPI example
 * of a tree definition); the demo data (src/demo/trees.ts) seeds it from here.
 */

/** 範例 1: VIP 客戶決策樹 (verbatim from the document). */
export const vipCustomerTree: TreeDefinition = {
  treeId: 'vip-customer-tree',
  name: 'VIP客戶優惠決策樹',
  status: 'ACTIVE',
  rootNode: {
    nodeId: 'root',
    nodeType: 'CONDITION',
    configuration: { commandType: 'SPEL_CONDITION', expression: "#{accountType == 'VIP'}", description: 'VIP客戶判斷' },
    children: [
      {
        nodeId: 'vip-income-check',
        nodeType: 'CONDITION',
        configuration: { commandType: 'SPEL_CONDITION', expression: '#{annualIncome >= 2000000}', description: '高收入VIP客戶判斷' },
        children: [
          {
            nodeId: 'vip-premium-offer',
            nodeType: 'CALCULATION',
            configuration: {
              commandType: 'CALCULATION',
              strategyType: 'TIERED_DISCOUNT',
              parameters: { discountAmount: 5000, discountPercentage: 10.0, promotionName: 'VIP專屬理財優惠' },
            },
          },
        ],
      },
    ],
  },
};
