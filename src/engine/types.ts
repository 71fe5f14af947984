/**
 * The engine's public contract: expression languages, decision trees and their results.
 *
 * Everything under `src/engine/` is pure: no database, network, clock or environment access.
 * The clock is injected (`now`) so results are reproducible (audit replay depends on it).
 */
import type { EvaluationBudget } from './budget.js';

/** Expression languages the engine compiles. */
export type Language = 'spel' | 'jsonlogic';

/** Where in the source a diagnostic points; 1-based line and column, 0-based offset. */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * A closed set of error codes. SpEL errors use Spring's message codes (e.g. `EL1008E`) where one
 * exists; the rest are Banyan's own.
 */
export type EngineErrorCode =
  | 'SYNTAX_ERROR'
  | 'NOT_SUPPORTED'
  | 'UNKNOWN_FUNCTION'
  | 'LIMIT_EXCEEDED'
  | 'TYPE_ERROR'
  | 'EVALUATION_ERROR'
  | 'INVALID_TREE'
  | 'INVALID_PARAMETER'
  /** The injected deadline passed during evaluation (see EvaluationBudget in budget.ts). */
  | 'EVALUATION_BUDGET_EXCEEDED'
  | (string & {});

export interface Diagnostic {
  readonly code: EngineErrorCode;
  readonly message: string;
  /** Absent for errors that are not about a place in the source (e.g. a missing parameter). */
  readonly position?: SourcePosition;
  /** For tree diagnostics: the node the problem is in (its nodeId or a JSON path like `rootNode.children[0]`). */
  readonly nodeId?: string;
  /** For parameter diagnostics: the field, e.g. `parameters.discountPercentage`. */
  readonly field?: string;
  /** For JSON sources (JSONLogic rules): a JSON path to the offending value, e.g. `$.and[1].>=[0]`. */
  readonly path?: string;
}

/** Thrown by the engine for anything the user wrote or supplied; never for internal bugs. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly position: SourcePosition | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: EngineErrorCode, message: string, position?: SourcePosition, diagnostics?: readonly Diagnostic[]) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.position = position;
    this.diagnostics = diagnostics ?? [{ code, message, ...(position ? { position } : {}) }];
  }
}

/** Static result type of an expression, where knowable. */
export type ResultType = 'boolean' | 'number' | 'string' | 'list' | 'map' | 'null' | 'unknown';

/** Sandbox limits; every one has a safe default. */
export interface ExpressionLimits {
  /** Max source length in characters (default 10 000). */
  readonly maxSourceLength?: number;
  /** Max syntactic nesting depth (default 64). */
  readonly maxDepth?: number;
  /** Max evaluation steps (node visits, iterations) per evaluate call (default 100 000). */
  readonly maxSteps?: number;
  /** Max length of a string or collection an evaluation may build (default 100 000). */
  readonly maxCollectionSize?: number;
}

export interface CompileOptions {
  readonly language: Language;
  readonly limits?: ExpressionLimits;
  /**
   * Money mode for formulas: every number (literal or input) is a decimal (Java `BigDecimal`),
   * so `amount * 0.015` is exact. Off by default (Java int/long/double semantics).
   */
  readonly decimal?: boolean;
  /**
   * SpEL only. `auto` (default): a whole-string `#{…}` is its inner expression, anything else a
   * plain expression (how tree conditions are stored). `expression`: the text is one plain
   * expression. `template`: Spring's TemplateParserContext, literal text with any number of
   * `#{…}` parts (`'回饋 #{amount} 元'`); a text without `#{` is the text itself.
   */
  readonly mode?: 'template' | 'expression' | 'auto';
}

/** Per-evaluation options. The clock is injected so the engine stays pure and replayable. */
export interface EvaluateOptions {
  /** "Now" for date functions such as `#daysSince(date)`. Required: the engine reads no clock. */
  readonly now: Date;
  /**
   * Shared work budget with the host's deadline: when it expires the evaluation throws
   * EVALUATION_BUDGET_EXCEEDED. Without one only the step limit applies.
   */
  readonly budget?: EvaluationBudget;
}

/** A compiled expression: parse once, evaluate many times. Evaluation is synchronous and pure. */
export interface CompiledExpression {
  readonly source: string;
  readonly language: Language;
  /** Root properties the expression reads, as dotted paths (`annualIncome`, `transactionHistory`). */
  readonly fields: readonly string[];
  /** Variables it reads (`#param_x` → `param_x`, without the `#`). */
  readonly variables: readonly string[];
  /** Functions it calls (`daysSince`). */
  readonly functions: readonly string[];
  readonly resultType: ResultType;
  /**
   * Evaluate against a root object and optional variables. Money values may be passed as
   * decimal.js `Decimal` instances; they behave as Java `BigDecimal`. Throws `EngineError`.
   * `options.now` is required (the engine reads no clock).
   */
  evaluate(root: unknown, variables: Readonly<Record<string, unknown>> | undefined, options: EvaluateOptions): unknown;
}

// ---------------------------------------------------------------------------------------------
// Decision trees, in seed 002's JSON format (the body of POST /api/v1/management/decision-trees).
// ---------------------------------------------------------------------------------------------

export type NodeType = 'CONDITION' | 'CALCULATION';

export type CommandType = 'SPEL_CONDITION' | 'JSONLOGIC_CONDITION' | 'DROOLS_RULE' | 'EXTERNAL_SYSTEM' | 'DATABASE_QUERY' | 'CALCULATION';

export type StrategyType = 'PERCENTAGE_DISCOUNT' | 'FIXED_AMOUNT' | 'TIERED_DISCOUNT' | 'PROGRESSIVE_DISCOUNT' | 'FORMULA';

export interface NodeConfiguration {
  readonly commandType: CommandType;
  /** SpEL source (string) or a JSONLogic rule (JSON value). */
  readonly expression?: unknown;
  readonly description?: string;
  readonly strategyType?: StrategyType;
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Name under which the node's result is stored in the execution context (`#creditBureau`). */
  readonly resultVariable?: string;
  readonly [key: string]: unknown;
}

export interface NodeDefinition {
  readonly nodeId?: string;
  readonly nodeType: NodeType;
  readonly configuration: NodeConfiguration;
  readonly children?: readonly NodeDefinition[];
}

export interface TreeDefinition {
  readonly treeId?: string;
  readonly name: string;
  readonly description?: string;
  readonly status?: 'ACTIVE' | 'INACTIVE' | 'DRAFT';
  readonly rootNode: NodeDefinition;
}

/** Seed 002's PromotionResult. Amounts are rounded HALF_UP at scale 2 from decimal arithmetic. */
export interface PromotionResult {
  readonly promotionId: string | null;
  readonly promotionName: string | null;
  readonly promotionType: string | null;
  readonly discountAmount: number | null;
  readonly discountPercentage: number | null;
  readonly description: string | null;
  /** ISO-8601 local date-time, e.g. `2026-02-06T19:50:55`. */
  readonly validUntil: string | null;
  readonly additionalDetails: Readonly<Record<string, unknown>>;
  readonly eligible: boolean;
}

export type StepStatus = 'SUCCESS' | 'FAILED';

/** One node visited during evaluation, in visiting order. */
export interface DecisionStep {
  readonly stepOrder: number;
  readonly nodeId: string;
  readonly nodeType: NodeType;
  readonly commandType: CommandType;
  /** The fields/variables the node read, with their values (a snapshot for the audit trail). */
  readonly input: Readonly<Record<string, unknown>>;
  /** Condition result (boolean), calculation result, or command output. */
  readonly output: unknown;
  /** Time of the node by the injected clock (`TreeEvaluateOptions.clock`), in ms; 0 without one. */
  readonly durationMs: number;
  readonly status: StepStatus;
  readonly error?: string;
  /** What a host command did outside the engine (its CommandOutcome.records), for the audit trail. */
  readonly records?: CommandRecords;
}

export interface TreeEvaluation {
  readonly result: PromotionResult;
  readonly steps: readonly DecisionStep[];
  /** Node ids of the path that produced the result (root first); empty when not eligible. */
  readonly path: readonly string[];
}

/**
 * A host-provided handler for commands that reach outside the engine (EXTERNAL_SYSTEM,
 * DATABASE_QUERY, DROOLS_RULE). Returns the node's output; for condition nodes `matched` decides
 * the branch. The engine stays pure: all I/O lives in the handler.
 */
export interface CommandHandler {
  execute(node: { readonly nodeId: string; readonly configuration: NodeConfiguration }, context: ExecutionContext): Promise<CommandOutcome> | CommandOutcome;
}

/**
 * What host commands record of their work outside the engine (external calls, database look-ups),
 * by kind. The engine only carries it from the outcome to the step (`DecisionStep.records`); the
 * host declares the kinds by augmentation:
 *
 * @example
 * declare module 'banyan/engine' { interface CommandRecords { readonly calls?: readonly MyCall[] } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface CommandRecords {}

export interface CommandOutcome {
  readonly matched: boolean;
  /** The step's output (what the audit trail shows as output_data). */
  readonly output: unknown;
  /** Snapshot of what the command read, for the decision step. */
  readonly input?: Readonly<Record<string, unknown>>;
  /** Records of the command's work outside the engine; copied to `DecisionStep.records`. */
  readonly records?: CommandRecords;
}

/**
 * The host's services for its commands (an evaluation session, a cache …), passed through the
 * engine untouched as `ExecutionContext.host` (from `TreeEvaluateOptions.host`). The host declares
 * its slots by augmentation, so handlers read them typed:
 *
 * @example
 * declare module 'banyan/engine' { interface ExecutionHost { readonly session?: MySession } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ExecutionHost {}

export interface ExecutionContext {
  readonly customer: Readonly<Record<string, unknown>>;
  /** Variables set by earlier nodes (`resultVariable`) and by the host. */
  readonly variables: Record<string, unknown>;
  /** The evaluation's injected "now". */
  readonly now: Date;
  readonly requestId?: string;
  /** The tree evaluation's budget; commands that compute (DROOLS_RULE) charge it. */
  readonly budget?: EvaluationBudget;
  /** The host's services (TreeEvaluateOptions.host), untouched by the engine. */
  readonly host?: ExecutionHost;
}

export interface TreeCompileOptions {
  /** Handlers for the commands the engine cannot run itself, keyed by command type. */
  readonly commands?: Partial<Record<CommandType, CommandHandler>>;
  readonly limits?: ExpressionLimits;
}

export interface TreeEvaluateOptions {
  /** "Now" for validUntil and date functions. Required: injected so evaluation is reproducible. */
  readonly now: Date;
  readonly requestId?: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  /**
   * The clock that times nodes (`DecisionStep.durationMs`), in milliseconds, e.g. the host's
   * `() => performance.now()`. Read only when steps are recorded with `trace` on; without a clock
   * durationMs is 0 (the engine reads no clock of its own).
   */
  readonly clock?: () => number;
  /**
   * Per-node timing with `clock` (default true); false skips the clock reads (durationMs is then
   * 0) for bulk simulation and benchmarks.
   */
  readonly trace?: boolean;
  /** Record DecisionSteps (default true). False returns `steps: []`: the fastest mode, for simulation. */
  readonly recordSteps?: boolean;
  /**
   * One budget for the whole tree (every node, formula and command). Once its deadline passes,
   * the running node and every later one fail with EVALUATION_BUDGET_EXCEEDED (false, as any
   * failed node).
   */
  readonly budget?: EvaluationBudget;
  /** The host's services for its command handlers (`ExecutionContext.host`). */
  readonly host?: ExecutionHost;
}

export interface CompiledTree {
  readonly name: string;
  readonly treeId: string | undefined;
  /** True when some node needs a host command handler; then only `evaluateAsync` may be used. */
  readonly isAsync: boolean;
  /** Every field the tree's expressions read (for explanations and input snapshots). */
  readonly fields: readonly string[];
  evaluate(customer: Readonly<Record<string, unknown>>, options: TreeEvaluateOptions): TreeEvaluation;
  evaluateAsync(customer: Readonly<Record<string, unknown>>, options: TreeEvaluateOptions): Promise<TreeEvaluation>;
}
