/**
 * Compiles a TreeDefinition into a flat, precomputed node graph: expressions compiled once,
 * strategies prepared once, parameter variables (`#param_<name>`) built once, input-snapshot
 * paths split once. Evaluation (evaluate.ts) then only walks and calls.
 */
import { compileExpression } from '../expression.js';
import { prepareOffer, type OfferBuilder } from '../strategies/index.js';
import {
  EngineError,
  type CommandHandler,
  type CommandType,
  type CompiledExpression,
  type NodeConfiguration,
  type NodeDefinition,
  type NodeType,
  type StrategyType,
  type TreeCompileOptions,
  type TreeDefinition,
} from '../types.js';
import { HOST_COMMANDS, nodeKey, validateTree } from './validate.js';

/** How a node runs: a compiled expression, a strategy, or a host command handler. */
export type NodeKind = CompiledNode['kind'];

/** What every compiled node has, whatever runs it. */
interface NodeBase {
  readonly id: string;
  readonly nodeType: NodeType;
  readonly commandType: CommandType;
  readonly configuration: NodeConfiguration;
  /** `param_<name>` for the node's own parameters. */
  readonly paramVars: Readonly<Record<string, unknown>>;
  readonly resultVariable: string | undefined;
}

/** A SPEL_CONDITION / JSONLOGIC_CONDITION node. */
export interface ExprNode extends NodeBase {
  readonly kind: 'expression';
  readonly children: readonly CompiledNode[];
  readonly expr: CompiledExpression;
  /** SpEL conditions must yield a boolean; JSONLogic ones use JSONLogic truthiness. */
  readonly jsonLogic: boolean;
  /** True when the expression reads a variable that is not one of the node's parameters. */
  readonly needsContextVars: boolean;
  readonly snapshotFields: readonly SnapshotField[];
  readonly snapshotVars: readonly string[];
}

/** A CALCULATION leaf. */
export interface CalculationNode extends NodeBase {
  readonly kind: 'calculation';
  readonly children: readonly [];
  readonly offer: OfferBuilder;
}

/** A DROOLS_RULE / EXTERNAL_SYSTEM / DATABASE_QUERY node, run by the host's handler. */
export interface CommandNode extends NodeBase {
  readonly kind: 'command';
  readonly children: readonly CompiledNode[];
  readonly handler: CommandHandler;
}

export type CompiledNode = ExprNode | CalculationNode | CommandNode;

export interface SnapshotField {
  readonly name: string;
  readonly path: readonly string[];
}

/** One function per kind: `visitNode` dispatches to it, the compiler checks every kind is handled. */
export interface NodeVisitor<R> {
  expression(node: ExprNode): R;
  calculation(node: CalculationNode): R;
  command(node: CommandNode): R;
}

export function visitNode<R>(node: CompiledNode, visitor: NodeVisitor<R>): R {
  switch (node.kind) {
    case 'expression':
      return visitor.expression(node);
    case 'calculation':
      return visitor.calculation(node);
    case 'command':
      return visitor.command(node);
  }
}

/** True when host variables can change what the node reads (an expression reading a non-parameter variable). */
export function needsContextVars(node: CompiledNode): boolean {
  return node.kind === 'expression' && node.needsContextVars;
}

export interface CompiledGraph {
  readonly root: CompiledNode;
  readonly fields: readonly string[];
  readonly isAsync: boolean;
  readonly usesResultVariables: boolean;
}

export function compileGraph(tree: TreeDefinition, options: TreeCompileOptions): CompiledGraph {
  const diagnostics = validateTree(tree, options);
  if (diagnostics.length > 0) {
    const first = diagnostics[0];
    const where = first?.nodeId ? ` (node ${first.nodeId})` : '';
    throw new EngineError(
      'INVALID_TREE',
      `invalid tree: ${first?.message ?? 'unknown problem'}${where}${diagnostics.length > 1 ? ` and ${diagnostics.length - 1} more` : ''}`,
      undefined,
      diagnostics,
    );
  }
  const fields = new Set<string>();
  let isAsync = false;
  let usesResultVariables = false;
  const limits = options.limits ? { limits: options.limits } : {};

  const build = (node: NodeDefinition, position: string): CompiledNode => {
    const config = node.configuration;
    const commandType = config.commandType;
    const params = config.parameters ?? {};
    const paramVars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) paramVars[`param_${k}`] = v;
    if (config.resultVariable !== undefined) usesResultVariables = true;
    const base = { id: nodeKey(node, position), nodeType: node.nodeType, commandType, configuration: config, paramVars, resultVariable: config.resultVariable };
    const children = (): CompiledNode[] => (node.children ?? []).map((c, i) => build(c, `${position}/${i}`));
    if (commandType === 'CALCULATION') {
      const offer = prepareOffer(config.strategyType as StrategyType, params, limits);
      const baseField = params.baseField;
      if (typeof baseField === 'string') fields.add(baseField);
      // validateTree guarantees a calculation node is a leaf.
      return { ...base, kind: 'calculation', children: [], offer };
    }
    if (HOST_COMMANDS.has(commandType)) {
      const handler = options.commands?.[commandType];
      // validateTree guarantees a handler for every host command.
      if (handler === undefined) throw new EngineError('INVALID_TREE', `no handler for ${commandType}`);
      isAsync = true;
      return { ...base, kind: 'command', children: children(), handler };
    }
    const expr = compileExpression(config.expression, { language: commandType === 'SPEL_CONDITION' ? 'spel' : 'jsonlogic', ...limits });
    for (const f of expr.fields) fields.add(f);
    const vars = expr.variables;
    return {
      ...base,
      kind: 'expression',
      children: children(),
      expr,
      jsonLogic: commandType === 'JSONLOGIC_CONDITION',
      needsContextVars: vars.some((v) => !(v in paramVars)),
      snapshotFields: expr.fields.map((name) => ({ name, path: name.split('.') })),
      snapshotVars: vars,
    };
  };
  const root = build(tree.rootNode, 'root');
  return { root, fields: [...fields], isAsync, usesResultVariables };
}
