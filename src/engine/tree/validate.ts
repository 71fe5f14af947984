/** Write-time validation of a decision tree: every problem, with the node it is in. Never throws. */
import { validateExpression } from '../expression.js';
import { validateStrategy } from '../strategies/index.js';
import type { CommandType, Diagnostic, NodeType, TreeCompileOptions } from '../types.js';

const NODE_TYPES: ReadonlySet<string> = new Set<NodeType>(['CONDITION', 'CALCULATION']);
const COMMAND_TYPES: ReadonlySet<string> = new Set<CommandType>([
  'SPEL_CONDITION',
  'JSONLOGIC_CONDITION',
  'DROOLS_RULE',
  'EXTERNAL_SYSTEM',
  'DATABASE_QUERY',
  'CALCULATION',
]);
/** Commands the engine delegates to host handlers. */
export const HOST_COMMANDS: ReadonlySet<string> = new Set<CommandType>(['DROOLS_RULE', 'EXTERNAL_SYSTEM', 'DATABASE_QUERY']);
export const MAX_TREE_DEPTH = 200;

/** The id used for a node in steps, paths and diagnostics: its nodeId, else its position (`root/0/1`). */
export function nodeKey(node: unknown, position: string): string {
  const id = node !== null && typeof node === 'object' ? (node as { nodeId?: unknown }).nodeId : undefined;
  return typeof id === 'string' && id !== '' ? id : position;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks structure, nodeType/commandType consistency, expressions (compile errors with nodeId and
 * position), strategy parameters (nodeId + field), duplicate nodeIds, leaves, host handlers.
 *
 * @example
 * validateTree({ name: 't', rootNode: { nodeType: 'CONDITION', configuration: { commandType: 'SPEL_CONDITION', expression: 'a >' } } });
 * // [{ code: 'SYNTAX_ERROR', nodeId: 'root', position: {…}, message: '…' }]
 */
export function validateTree(tree: unknown, options: TreeCompileOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isObject(tree)) return [{ code: 'INVALID_TREE', message: 'a tree must be an object with name and rootNode' }];
  if (typeof tree.name !== 'string' || tree.name.trim() === '') out.push({ code: 'INVALID_TREE', field: 'name', message: 'name is required' });
  if (!isObject(tree.rootNode)) {
    out.push({ code: 'INVALID_TREE', field: 'rootNode', message: 'rootNode is required and must be an object' });
    return out;
  }
  const seen = new Map<string, string>();
  const visit = (node: unknown, position: string, depth: number): void => {
    const nodeId = nodeKey(node, position);
    const add = (d: Omit<Diagnostic, 'nodeId'>): void => void out.push({ ...d, nodeId });
    if (depth > MAX_TREE_DEPTH) return add({ code: 'INVALID_TREE', message: `tree is deeper than ${MAX_TREE_DEPTH} levels` });
    if (!isObject(node)) return add({ code: 'INVALID_TREE', message: 'a node must be an object' });
    if (node.nodeId !== undefined) {
      if (typeof node.nodeId !== 'string' || node.nodeId === '') add({ code: 'INVALID_TREE', field: 'nodeId', message: 'nodeId must be a non-empty string' });
      else if (seen.has(node.nodeId))
        add({ code: 'INVALID_TREE', field: 'nodeId', message: `duplicate nodeId "${node.nodeId}" (also at ${seen.get(node.nodeId)})` });
      else seen.set(node.nodeId, position);
    }
    const nodeType = node.nodeType;
    if (typeof nodeType !== 'string' || !NODE_TYPES.has(nodeType))
      add({ code: 'INVALID_TREE', field: 'nodeType', message: `nodeType must be CONDITION or CALCULATION, got ${JSON.stringify(nodeType) ?? 'nothing'}` });
    const config = node.configuration;
    const children = node.children;
    if (children !== undefined && !Array.isArray(children)) add({ code: 'INVALID_TREE', field: 'children', message: 'children must be an array' });
    const kids = Array.isArray(children) ? children : [];
    if (!isObject(config)) {
      add({ code: 'INVALID_TREE', field: 'configuration', message: 'configuration is required and must be an object' });
    } else {
      const commandType = config.commandType;
      if (typeof commandType !== 'string' || !COMMAND_TYPES.has(commandType)) {
        add({
          code: 'INVALID_TREE',
          field: 'configuration.commandType',
          message: `unknown commandType ${JSON.stringify(commandType) ?? 'nothing'}; expected one of ${[...COMMAND_TYPES].join(', ')}`,
        });
      } else {
        if (nodeType === 'CALCULATION' && commandType !== 'CALCULATION')
          add({
            code: 'INVALID_TREE',
            field: 'configuration.commandType',
            message: `a CALCULATION node must have commandType CALCULATION, got ${commandType}`,
          });
        if (nodeType === 'CONDITION' && commandType === 'CALCULATION')
          add({ code: 'INVALID_TREE', field: 'configuration.commandType', message: 'a CONDITION node cannot have commandType CALCULATION' });
        if (commandType === 'SPEL_CONDITION' || commandType === 'JSONLOGIC_CONDITION') {
          const language = commandType === 'SPEL_CONDITION' ? 'spel' : 'jsonlogic';
          if (config.expression === undefined || config.expression === null || config.expression === '') {
            add({ code: 'INVALID_TREE', field: 'configuration.expression', message: `${commandType} needs an expression` });
          } else if (language === 'spel' && typeof config.expression !== 'string') {
            add({ code: 'INVALID_TREE', field: 'configuration.expression', message: 'a SpEL expression must be a string' });
          } else {
            for (const d of validateExpression(config.expression, { language, ...(options.limits ? { limits: options.limits } : {}) })) {
              add({ ...d, field: 'configuration.expression' });
            }
          }
        }
        if (commandType === 'CALCULATION') {
          for (const d of validateStrategy(config.strategyType, config.parameters)) add(d);
        }
        if (HOST_COMMANDS.has(commandType) && !options.commands?.[commandType as CommandType]) {
          add({ code: 'INVALID_TREE', field: 'configuration.commandType', message: `no handler for ${commandType}: pass options.commands.${commandType}` });
        }
      }
      if (config.resultVariable !== undefined && (typeof config.resultVariable !== 'string' || !/^[A-Za-z_]\w*$/.test(config.resultVariable))) {
        add({ code: 'INVALID_TREE', field: 'configuration.resultVariable', message: 'resultVariable must be an identifier (letters, digits, _)' });
      }
      if (config.parameters !== undefined && !isObject(config.parameters))
        add({ code: 'INVALID_TREE', field: 'configuration.parameters', message: 'parameters must be an object' });
    }
    if ((nodeType === 'CALCULATION' || (isObject(config) && config.commandType === 'CALCULATION')) && kids.length > 0) {
      add({ code: 'INVALID_TREE', field: 'children', message: 'a calculation node must be a leaf (it ends the traversal)' });
    }
    kids.forEach((child, i) => visit(child, `${position}/${i}`, depth + 1));
  };
  visit(tree.rootNode, 'root', 0);
  return out;
}
