import { compileExpressionForNode } from '../engine/node-expression.js';
import type { NodeDefinition, TreeDefinition } from '../engine/types.js';
import type { AvailableOffer } from './evaluation.schema.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

interface TreeInfo {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly status: string;
  readonly definition: TreeDefinition;
}

/**
 * Offers a tree can give: its CALCULATION leaves, with the conditions on the way to each.
 *
 * Filters (accountType, region) are applied by partial evaluation: a condition on the path that
 * reads only the filtered fields is evaluated with the filter values, and a false one removes the
 * offer. Conditions that read anything else cannot be decided without a customer, so such offers
 * stay in the list ("may apply").
 */
export function offersOf(tree: TreeInfo, filter: Readonly<Record<string, string>>): AvailableOffer[] {
  const offers: AvailableOffer[] = [];
  const keys = Object.keys(filter);
  const walk = (node: NodeDefinition, path: string, conditions: string[], possible: boolean): void => {
    const config = node.configuration;
    const nodeId = node.nodeId ?? path;
    if (node.nodeType === 'CALCULATION') {
      if (!possible) return;
      const p = config.parameters ?? {};
      offers.push({
        promotionId: str(p.promotionId),
        promotionName: str(p.promotionName),
        promotionType: str(p.promotionType),
        strategyType: str(config.strategyType) ?? 'UNKNOWN',
        discountAmount: num(p.discountAmount),
        discountPercentage: num(p.discountPercentage),
        description: str(p.description) ?? str(config.description),
        treeId: tree.id,
        treeName: tree.name,
        treeVersion: tree.version,
        treeStatus: tree.status,
        nodeId,
        conditions,
      });
      return;
    }
    const text =
      typeof config.expression === 'string'
        ? config.expression
        : config.expression !== undefined
          ? JSON.stringify(config.expression)
          : String(config.commandType);
    let holds = possible;
    if (holds && keys.length > 0) holds = decide(config.commandType, config.expression, filter) !== false;
    (node.children ?? []).forEach((child, i) => walk(child, `${path}/${i}`, [...conditions, text], holds));
  };
  walk(tree.definition.rootNode, 'root', [], true);
  return offers;
}

/** true/false when the condition reads only filtered fields; undefined when it cannot be decided. */
function decide(commandType: string, expression: unknown, filter: Readonly<Record<string, string>>): boolean | undefined {
  const compiled = compileExpressionForNode(commandType, expression);
  if (!compiled) return undefined;
  const reads = compiled.fields.map((f) => f.split('.')[0] ?? f);
  if (reads.length === 0 || !reads.every((f) => Object.hasOwn(filter, f))) return undefined;
  try {
    return compiled.evaluate(filter, undefined, { now: new Date() }) === true;
  } catch {
    return undefined;
  }
}
