import type { NodeDefinition, StrategyType } from '../../src/engine/types.js';

export const calc = (nodeId: string, strategyType: StrategyType, parameters: Record<string, unknown>): NodeDefinition => ({
  nodeId,
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType, parameters },
});

export const jcond = (nodeId: string, expression: unknown, children: NodeDefinition[] = []): NodeDefinition => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'JSONLOGIC_CONDITION', expression },
  children,
});
