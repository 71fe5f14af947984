/**
 * SpEL AST: immutable nodes with a `kind` discriminant. `start` is the 0-based source offset
 * Spring would report for the node (an operator's own token for binary operators).
 */

/** Java numeric literal kinds; they decide int vs real arithmetic for literal-derived values. */
export type NumberKind = 'int' | 'long' | 'float' | 'double';

export interface LiteralNode {
  readonly kind: 'literal';
  readonly start: number;
  readonly value: string | number | boolean | null;
  /** Set for numeric literals. */
  readonly numberKind?: NumberKind;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | 'matches' | 'between' | 'in';

export interface BinaryNode {
  readonly kind: 'binary';
  readonly start: number;
  readonly operator: BinaryOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

export interface UnaryNode {
  readonly kind: 'unary';
  readonly start: number;
  readonly operator: '-' | '+' | '!';
  readonly operand: ExpressionNode;
}

export interface TernaryNode {
  readonly kind: 'ternary';
  readonly start: number;
  readonly condition: ExpressionNode;
  readonly whenTrue: ExpressionNode;
  readonly whenFalse: ExpressionNode;
}

export interface ElvisNode {
  readonly kind: 'elvis';
  readonly start: number;
  readonly value: ExpressionNode;
  readonly fallback: ExpressionNode;
}

/** `#name`, `#this`, `#root`. */
export interface VariableNode {
  readonly kind: 'variable';
  readonly start: number;
  readonly name: string;
}

/** `#name(args)`: a Banyan-registered function. */
export interface FunctionCallNode {
  readonly kind: 'functionCall';
  readonly start: number;
  readonly name: string;
  readonly args: readonly ExpressionNode[];
}

export interface InlineListNode {
  readonly kind: 'list';
  readonly start: number;
  readonly items: readonly ExpressionNode[];
}

export interface MapEntryNode {
  /** A bare identifier key is its own name (Spring semantics); anything else is evaluated. */
  readonly key: ExpressionNode | { readonly kind: 'mapKey'; readonly start: number; readonly name: string };
  readonly value: ExpressionNode;
}

export interface InlineMapNode {
  readonly kind: 'map';
  readonly start: number;
  readonly entries: readonly MapEntryNode[];
}

/**
 * A compound expression: `head` followed by navigation steps, each applied to the previous value.
 * A null `head` means the active context object (the root, or `#this` inside a selection), so
 * `accountType` is `{head: null, steps: [property accountType]}`.
 */
export interface ChainNode {
  readonly kind: 'chain';
  readonly start: number;
  readonly head: ExpressionNode | null;
  readonly steps: readonly StepNode[];
}

export interface PropertyStep {
  readonly kind: 'property';
  readonly start: number;
  readonly name: string;
  readonly nullSafe: boolean;
}

export interface MethodStep {
  readonly kind: 'method';
  readonly start: number;
  readonly name: string;
  readonly args: readonly ExpressionNode[];
  readonly nullSafe: boolean;
}

export interface IndexStep {
  readonly kind: 'index';
  readonly start: number;
  readonly index: ExpressionNode;
  readonly nullSafe: boolean;
}

export type SelectionMode = 'all' | 'first' | 'last';

export interface SelectionStep {
  readonly kind: 'selection';
  readonly start: number;
  readonly mode: SelectionMode;
  readonly criteria: ExpressionNode;
  readonly nullSafe: boolean;
}

export interface ProjectionStep {
  readonly kind: 'projection';
  readonly start: number;
  readonly expression: ExpressionNode;
  readonly nullSafe: boolean;
}

export type StepNode = PropertyStep | MethodStep | IndexStep | SelectionStep | ProjectionStep;

export type ExpressionNode =
  LiteralNode | BinaryNode | UnaryNode | TernaryNode | ElvisNode | VariableNode | FunctionCallNode | InlineListNode | InlineMapNode | ChainNode;

/** The parsed form of an expression, as returned by `parseSpel`. */
export interface SpelAst {
  readonly source: string;
  readonly root: ExpressionNode;
}

/** A handler per node kind; a new kind without a handler does not compile. */
export type ExpressionVisitor<R> = {
  readonly [K in ExpressionNode['kind']]: (node: Extract<ExpressionNode, { kind: K }>) => R;
};

export function visit<R>(node: ExpressionNode, visitor: ExpressionVisitor<R>): R {
  // The cast is sound: `node.kind` selects the handler for exactly this node type.
  return (visitor[node.kind] as (n: ExpressionNode) => R)(node);
}
