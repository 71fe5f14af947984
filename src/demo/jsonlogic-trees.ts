import type { NodeDefinition, TreeDefinition } from '../engine/types.js';
import { internalError } from '../platform/errors.js';
import { promotionDecisionTree } from './trees.js';

/**
 * The seed's promotionDecisionTree with every SpEL condition rewritten as JSONLogic: same node
 * ids, same parameters. Lets tree semantics be tested (and benchmarked) independently of SpEL.
 */
const JSONLOGIC_CONDITIONS: Record<string, unknown> = {
  root: { and: [{ '!=': [{ var: 'customerId' }, null] }, { '!=': [{ var: 'customerId' }, ''] }] },
  'vip-branch': { '==': [{ var: 'accountType' }, 'VIP'] },
  'vip-income': { '>=': [{ var: 'annualIncome' }, 2000000] },
  'platinum-branch': { in: [{ var: 'accountType' }, ['白金', 'PLATINUM']] },
  'plat-credit': { '>=': [{ var: 'creditScore' }, 700] },
  'regular-branch': { in: [{ var: 'accountType' }, ['一般', 'REGULAR']] },
  'reg-new': { '<=': [{ length: { var: 'transactionHistory' } }, 3] },
};

function convert(node: NodeDefinition): NodeDefinition {
  if (node.nodeType === 'CALCULATION') return node;
  const expression = JSONLOGIC_CONDITIONS[node.nodeId ?? ''];
  if (expression === undefined) throw internalError(`no JSONLogic for ${node.nodeId}`);
  return {
    ...node,
    configuration: { ...node.configuration, commandType: 'JSONLOGIC_CONDITION', expression },
    children: (node.children ?? []).map(convert),
  };
}

export const jsonLogicPromotionTree: TreeDefinition = {
  ...promotionDecisionTree,
  treeId: 'promotion-decision-tree-jsonlogic',
  rootNode: convert(promotionDecisionTree.rootNode),
};
