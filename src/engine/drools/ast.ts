/**
 * DRL syntax tree. Nodes are immutable and discriminated by `kind`; compilers map every kind
 * through a typed visitor so a new kind without a handler does not compile.
 */
import type { SourcePosition } from '../types.js';

// ---- expressions (constraints, `from` sources, RHS arguments) ----------------------------------

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
export type CollectionOp = 'contains' | 'memberOf' | 'matches' | 'startsWith' | 'endsWith' | 'length';

export type Expr =
  | { readonly kind: 'literal'; readonly pos: SourcePosition; readonly value: string | boolean | null; readonly numeric: boolean }
  /** An unqualified name: a field of the current fact, or `this`. */
  | { readonly kind: 'field'; readonly pos: SourcePosition; readonly name: string }
  | { readonly kind: 'var'; readonly pos: SourcePosition; readonly name: string }
  | { readonly kind: 'member'; readonly pos: SourcePosition; readonly object: Expr; readonly name: string; readonly nullSafe: boolean }
  | { readonly kind: 'call'; readonly pos: SourcePosition; readonly object: Expr; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'unary'; readonly pos: SourcePosition; readonly op: '-' | '!'; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly pos: SourcePosition; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'in'; readonly pos: SourcePosition; readonly negated: boolean; readonly value: Expr; readonly list: readonly Expr[] }
  | {
      readonly kind: 'collection';
      readonly pos: SourcePosition;
      readonly op: CollectionOp;
      readonly negated: boolean;
      readonly left: Expr;
      readonly right: Expr;
    };

// ---- conditional elements (LHS) ----------------------------------------------------------------

export interface Constraint {
  readonly pos: SourcePosition;
  /** `$inc : annualIncome` binds the value; a binding may also carry a test (`$a : amount > 5`). */
  readonly binding: string | undefined;
  readonly expr: Expr;
}

export type PatternSource =
  | { readonly kind: 'facts' }
  | { readonly kind: 'from'; readonly expr: Expr }
  | {
      readonly kind: 'accumulate';
      readonly pos: SourcePosition;
      readonly input: ConditionalElement;
      readonly fn: AccumulateFn;
      readonly arg: Expr | undefined;
    };

export type AccumulateFn = 'count' | 'sum' | 'average' | 'min' | 'max';

export type ConditionalElement =
  | {
      readonly kind: 'pattern';
      readonly pos: SourcePosition;
      readonly binding: string | undefined;
      readonly type: string;
      readonly constraints: readonly Constraint[];
      readonly source: PatternSource;
    }
  | { readonly kind: 'and'; readonly pos: SourcePosition; readonly elements: readonly ConditionalElement[] }
  | { readonly kind: 'or'; readonly pos: SourcePosition; readonly elements: readonly ConditionalElement[] }
  | { readonly kind: 'not'; readonly pos: SourcePosition; readonly element: ConditionalElement }
  | { readonly kind: 'exists'; readonly pos: SourcePosition; readonly element: ConditionalElement }
  | { readonly kind: 'eval'; readonly pos: SourcePosition; readonly expr: Expr };

// ---- actions (RHS) ------------------------------------------------------------------------------

export type ResultField = 'eligible' | 'promotionId' | 'promotionName' | 'promotionType' | 'discountAmount' | 'discountPercentage' | 'description';

export type Action =
  | { readonly kind: 'set'; readonly pos: SourcePosition; readonly field: ResultField; readonly value: Expr }
  | { readonly kind: 'put'; readonly pos: SourcePosition; readonly key: Expr; readonly value: Expr }
  | { readonly kind: 'log'; readonly pos: SourcePosition };

// ---- file ---------------------------------------------------------------------------------------

export interface RuleAttributes {
  readonly salience: number;
  readonly enabled: boolean;
  readonly noLoop: boolean;
  readonly activationGroup: string | undefined;
  readonly dateEffective: Date | undefined;
  readonly dateExpires: Date | undefined;
}

export interface RuleDecl {
  readonly pos: SourcePosition;
  readonly name: string;
  readonly attributes: RuleAttributes;
  readonly when: ConditionalElement;
  readonly then: readonly Action[];
}

export interface DrlFile {
  readonly packageName: string | undefined;
  readonly globals: readonly { readonly type: string; readonly name: string }[];
  readonly rules: readonly RuleDecl[];
}
