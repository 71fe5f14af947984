import { CHECK_EVERY, DEFAULT_RESULT } from '../engine/index.js';
import type { PromotionResult, TreeEvaluation } from '../engine/types.js';
import { deadlineBudgets, type BudgetFactory } from '../platform/deadline.js';
import { AppError } from '../platform/errors.js';
import { newSession } from './session.js';
import type { LoadedTree, TreeCatalog } from './tree-catalog.js';

/** One tree's part in an evaluation. */
export interface TreeRun {
  readonly treeId: string;
  readonly treeName: string;
  readonly version: number;
  readonly priority: number;
  readonly evaluation: TreeEvaluation | null;
  /** Set when the tree could not be evaluated at all (e.g. an external system failed hard). */
  readonly error: string | null;
}

export interface EvaluationOutcome {
  /** The offer returned to the client (the default not-eligible result when nothing applies). */
  readonly result: PromotionResult;
  readonly runs: readonly TreeRun[];
  /** Index into `runs` of the tree whose offer was chosen, or null. */
  readonly chosen: number | null;
}

/**
 * A command failed the whole evaluation (an external system with `onUnavailable: FAIL`). Carries
 * what had run so far, so the audit trail still shows the calls that led to the failure.
 */
export class EvaluationFailedError extends AppError {
  constructor(
    cause: AppError,
    readonly outcome: EvaluationOutcome,
  ) {
    super(cause.code, cause.text, { errors: cause.errors, cause });
  }
}

/** The host's clock for step timing (DecisionStep.durationMs). */
const clock = (): number => performance.now();

/** The document's default result (not eligible, every field null): the engine's. */
export const NOT_ELIGIBLE: PromotionResult = DEFAULT_RESULT;

/**
 * "Best" offer when several trees offer one: the tree with the highest priority wins; among equal
 * priorities the larger discountAmount; then the tree listed first (oldest). Priority first because
 * a bank ranks programmes deliberately; value second so that, all else equal, the customer gets the
 * better deal.
 */
export function chooseBest(runs: readonly TreeRun[]): number | null {
  let best: number | null = null;
  runs.forEach((run, i) => {
    if (!run.evaluation?.result.eligible) return;
    if (best === null) {
      best = i;
      return;
    }
    const current = runs[best];
    if (!current?.evaluation) return;
    const byPriority = run.priority - current.priority;
    const byAmount = (run.evaluation.result.discountAmount ?? 0) - (current.evaluation.result.discountAmount ?? 0);
    if (byPriority > 0 || (byPriority === 0 && byAmount > 0)) best = i;
  });
  return best;
}

export interface EvaluateInput {
  readonly customer: Readonly<Record<string, unknown>>;
  readonly treeId?: string | undefined;
  readonly requestId: string;
  readonly now: Date;
  /**
   * Record decision steps (default true): the audit trail needs them. A dry run records nothing,
   * so it takes the engine's result-only path.
   */
  readonly recordSteps?: boolean;
}

export interface EvaluationService {
  evaluate(input: EvaluateInput): Promise<EvaluationOutcome>;
  /** Evaluate a given set of trees (replay uses stored versions). */
  evaluateTrees(trees: readonly LoadedTree[], input: EvaluateInput): Promise<EvaluationOutcome>;
}

export interface EvaluationServiceOptions {
  /** A fresh budget (deadline) per tree evaluation; default: EVALUATION_DEADLINE_MS' default. */
  readonly budgets?: BudgetFactory;
}

export function createEvaluationService(catalog: TreeCatalog, serviceOptions: EvaluationServiceOptions = {}): EvaluationService {
  const budgets = serviceOptions.budgets ?? deadlineBudgets();
  async function evaluateTrees(trees: readonly LoadedTree[], input: EvaluateInput): Promise<EvaluationOutcome> {
    const runs: TreeRun[] = [];
    const session = newSession();
    for (const { ref, compiled } of trees) {
      // Every tree gets its own deadline: past it, its running node and every later one are false.
      const budget = budgets();
      // Steps are timed with the host's clock; the session reaches the commands through the host slot.
      const options = { now: input.now, clock, requestId: input.requestId, host: { session }, recordSteps: input.recordSteps ?? true, budget };
      try {
        const evaluation = compiled.isAsync ? await compiled.evaluateAsync(input.customer, options) : compiled.evaluate(input.customer, options);
        runs.push({ treeId: ref.id, treeName: ref.name, version: ref.version, priority: ref.priority, evaluation, error: null });
      } catch (error) {
        if (error instanceof AppError) throw error;
        runs.push({
          treeId: ref.id,
          treeName: ref.name,
          version: ref.version,
          priority: ref.priority,
          evaluation: null,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      // A tree that worked hard held the event loop: let other requests in before the next tree,
      // so evaluate-all over many trees never blocks for more than one tree's deadline.
      if (budget.units >= CHECK_EVERY) await new Promise<void>((resolve) => setImmediate(resolve));
      if (session.failure) throw new EvaluationFailedError(session.failure, { result: NOT_ELIGIBLE, runs, chosen: null });
    }
    const chosen = chooseBest(runs);
    const winner = chosen === null ? undefined : runs[chosen]?.evaluation?.result;
    if (!winner) return { result: NOT_ELIGIBLE, runs, chosen: null };
    const others = runs
      .filter((run, i) => i !== chosen && run.evaluation?.result.eligible)
      .map((run) => ({
        treeId: run.treeId,
        promotionId: run.evaluation?.result.promotionId ?? null,
        promotionName: run.evaluation?.result.promotionName ?? null,
        discountAmount: run.evaluation?.result.discountAmount ?? null,
      }));
    const result = others.length > 0 ? { ...winner, additionalDetails: { ...winner.additionalDetails, otherEligibleOffers: others } } : winner;
    return { result, runs, chosen };
  }

  return {
    evaluateTrees,
    async evaluate(input) {
      if (input.treeId !== undefined) {
        const tree = await catalog.activeTree(input.treeId);
        if (!tree)
          throw new AppError('RESOURCE_NOT_FOUND', {
            zh: `決策樹不存在或未啟用: ${input.treeId}`,
            en: `Decision tree not found or not active: ${input.treeId}`,
          });
        return evaluateTrees([tree], input);
      }
      const active = catalog.cachedActiveTrees();
      return evaluateTrees(active ?? (await catalog.activeTrees()), input);
    },
  };
}
