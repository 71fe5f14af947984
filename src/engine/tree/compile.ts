/**
 * Compiles a TreeDefinition into a flat, precomputed node graph: expressions compiled once,
 * strategies prepared once, parameter variables (`#param_<name>`) built once, input-snapshot
 * paths split once. Evaluation (evaluate.ts) then only walks and calls.
 */
import { compileExpression } from '../expression.js';
import { prepareOffer, type OfferBuilder } from '../strategies/index.js';
import { EngineError, type CommandHandler, type CommandType, type CompiledExpression, type NodeConfiguration, type NodeDefinition, type NodeType, type StrategyType, type TreeCompileOptions, type TreeDefinition } from '../types.js';
import { HOST_COMMANDS, nodeKey, validateTree } from './validate.js';

/** How a node runs: a compiled expression, a strategy, or a host command handler. */
export type NodeKind = 'expression' | 'calculation' | 'command';

export interface CompiledNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly nodeType: NodeType;
  readonly commandType: CommandType;
  readonly configuration: NodeConfiguration;
  readonly children: readonly CompiledNode[];
  /** Condition expression (`expression` kind). */
  readonly expr: CompiledExpression | undefined;
  /** SpEL conditions must yield a boolean; JSONLogic ones use JSONLogic truthiness. */
  readonly jsonLogic: boolean;
  /** `param_<name>` for the node's own parameters. */
  readonly paramVars: Readonly<Record<string, unknown>>;
  /** True when the expression reads a variable that is not one of the node's parameters. */
  readonly needsContextVars: boolean;
  readonly snapshotFields: readonly { readonly name: string; readonly path: readonly string[] }[];
  readonly snapshotVars: readonly string[];
  readonly offer: OfferBuilder | undefined;
  readonly handler: CommandHandler | undefined;
  readonly resultVariable: string | undefined;
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
    throw new EngineError('INVALID_TREE', `invalid tree: ${first?.message ?? 'unknown problem'}${where}${diagnostics.length > 1 ? ` and ${diagnostics.length - 1} more` : ''}`, undefined, diagnostics);
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
    let kind: NodeKind;
    let expr: CompiledExpression | undefined;
    let offer: OfferBuilder | undefined;
    let handler: CommandHandler | undefined;
    if (commandType === 'CALCULATION') {
      kind = 'calculation';
      offer = prepareOffer(config.strategyType as StrategyType, params, limits);
      const base = params.baseField;
      if (typeof base === 'string') fields.add(base);
    } else if (HOST_COMMANDS.has(commandType)) {
      kind = 'command';
      handler = options.commands?.[commandType];
      isAsync = true;
    } else {
      kind = 'expression';
      expr = compileExpression(config.expression, { language: commandType === 'SPEL_CONDITION' ? 'spel' : 'jsonlogic', ...limits });
      for (const f of expr.fields) fields.add(f);
    }
    if (config.resultVariable !== undefined) usesResultVariables = true;
    const vars = expr?.variables ?? [];
    return {
      id: nodeKey(node, position),
      kind,
      nodeType: node.nodeType,
      commandType,
      configuration: config,
      children: (node.children ?? []).map((c, i) => build(c, `${position}/${i}`)),
      expr,
      jsonLogic: commandType === 'JSONLOGIC_CONDITION',
      paramVars,
      needsContextVars: vars.some((v) => !(v in paramVars)),
      snapshotFields: (expr?.fields ?? []).map((name) => ({ name, path: name.split('.') })),
      snapshotVars: vars,
      offer,
      handler,
      resultVariable: config.resultVariable,
    };
  };
  const root = build(tree.rootNode, 'root');
  return { root, fields: [...fields], isAsync, usesResultVariables };
}
