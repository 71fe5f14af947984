import { isTruncated, TRUNCATED } from './caps.js';
import type { Kysely, Selectable } from 'kysely';
import { compileTree } from '../engine/index.js';
import type { CommandHandler, CommandType, NodeDefinition, PromotionResult, TreeCompileOptions } from '../engine/types.js';
import type { EvaluationOutcome, EvaluationService, LoadedTree } from '../evaluation/index.js';
import { fromJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { AppError } from '../platform/errors.js';
import type { TreesService } from '../trees/index.js';
import type { DecisionStepsTable } from './audit.tables.js';
import { evaluationTrail, stepsOf } from './audit.repository.js';
import { canonicalJson } from './hash.js';
import type { EvaluationDetails } from './entries.js';

export interface ReplaySide {
  readonly result: unknown;
  readonly trees: readonly { treeId: string; version: number; path: readonly string[]; eligible: boolean; promotionId: string | null; error: string | null }[];
  readonly error: string | null;
}

export interface Difference {
  readonly field: string;
  readonly original: unknown;
  readonly replayed: unknown;
}

export interface ReplayReport {
  readonly requestId: string;
  readonly against: 'recorded' | 'latest';
  readonly evaluatedAt: string;
  readonly identical: boolean;
  readonly original: ReplaySide;
  readonly replayed: ReplaySide;
  readonly differences: Difference[];
}

const HOST: readonly CommandType[] = ['EXTERNAL_SYSTEM', 'DATABASE_QUERY', 'DROOLS_RULE'];

export interface ReplayDeps {
  readonly db: Kysely<Tables>;
  readonly trees: TreesService;
  readonly evaluation: EvaluationService;
}

/**
 * Re-run a recorded evaluation. `recorded`: the same tree versions, the original clock, and the
 * recorded outputs of host commands (external systems, database look-ups, Drools) served from the
 * decision steps, so nothing outside is called and the run must come out identical. `latest`:
 * today's active trees on the same input and clock, showing what a change of trees would change.
 */
export async function replay(deps: ReplayDeps, requestId: string, against: 'recorded' | 'latest'): Promise<ReplayReport> {
  const trail = await evaluationTrail(deps.db, requestId);
  if (!trail) throw new AppError('RESOURCE_NOT_FOUND', { zh: `找不到評估紀錄: ${requestId}`, en: `No recorded evaluation for request ${requestId}` });
  const details = fromJson<EvaluationDetails>(trail.operation_details);
  if (isTruncated(details.request)) {
    const size = details.request[TRUNCATED].originalBytes;
    throw new AppError('BUSINESS_RULE_VIOLATION', {
      zh: `此評估的輸入在記錄時已截斷 (${size} 位元組)，無法重播`,
      en: `The input of this evaluation was truncated when recorded (${size} bytes): it cannot be replayed`,
    });
  }
  const { treeId: _treeId, ...customer } = (details.request ?? {}) as Record<string, unknown>;
  const now = new Date(details.evaluatedAt);
  const original: ReplaySide = { result: details.result, trees: details.trees, error: trail.error_message };
  const input = { customer, requestId, now, ...(details.requestedTreeId ? { treeId: details.requestedTreeId } : {}) };

  let replayed: ReplaySide;
  try {
    let outcome: EvaluationOutcome;
    if (against === 'latest') {
      outcome = await deps.evaluation.evaluate(input);
    } else if (trail.status === 'FAILED' && details.trees.length === 0) {
      throw new AppError('RESOURCE_NOT_FOUND', trail.error_message ?? 'failed');
    } else {
      const steps = await stepsOf(deps.db, requestId);
      const loaded: LoadedTree[] = [];
      for (const t of details.trees) {
        const definition = await deps.trees.definition(t.treeId, t.version);
        if (!definition)
          throw new AppError('RESOURCE_NOT_FOUND', {
            zh: `決策樹版本不存在: ${t.treeId}@${t.version}`,
            en: `Tree version not found: ${t.treeId}@${t.version}`,
          });
        const options: TreeCompileOptions = {
          commands: recordedCommands(
            definition.rootNode,
            steps.filter((s) => s.tree_id === t.treeId),
          ),
        };
        loaded.push({
          ref: { id: t.treeId, version: t.version, priority: t.priority, name: t.treeName },
          compiled: compileTree({ ...definition, treeId: t.treeId }, options),
        });
      }
      outcome = await deps.evaluation.evaluateTrees(loaded, input);
    }
    replayed = sideOf(outcome);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    replayed = {
      result: null,
      trees: [],
      error: trail.status === 'FAILED' && against === 'recorded' ? trail.error_message : `${error.code}: ${error.message}`,
    };
  }
  const differences = diff(original, replayed);
  return { requestId, against, evaluatedAt: details.evaluatedAt, identical: differences.length === 0, original, replayed, differences };
}

function sideOf(outcome: EvaluationOutcome): ReplaySide {
  return {
    result: outcome.result,
    trees: outcome.runs.map((run) => ({
      treeId: run.treeId,
      version: run.version,
      path: run.evaluation?.path ?? [],
      eligible: run.evaluation?.result.eligible ?? false,
      promotionId: run.evaluation?.result.promotionId ?? null,
      error: run.error,
    })),
    error: null,
  };
}

/** Field-by-field differences of the offer, then of each tree's path and outcome. */
function diff(a: ReplaySide, b: ReplaySide): Difference[] {
  const out: Difference[] = [];
  const ra = (a.result ?? {}) as Partial<PromotionResult> & Record<string, unknown>;
  const rb = (b.result ?? {}) as Partial<PromotionResult> & Record<string, unknown>;
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (canonicalJson(ra[key]) !== canonicalJson(rb[key])) out.push({ field: `result.${key}`, original: ra[key] ?? null, replayed: rb[key] ?? null });
  }
  const ids = new Set([...a.trees.map((t) => t.treeId), ...b.trees.map((t) => t.treeId)]);
  for (const id of ids) {
    const ta = a.trees.find((t) => t.treeId === id);
    const tb = b.trees.find((t) => t.treeId === id);
    for (const key of ['version', 'path', 'eligible', 'promotionId', 'error'] as const) {
      if (canonicalJson(ta?.[key]) !== canonicalJson(tb?.[key]))
        out.push({ field: `trees[${id}].${key}`, original: ta?.[key] ?? null, replayed: tb?.[key] ?? null });
    }
  }
  if ((a.error ?? null) !== (b.error ?? null)) out.push({ field: 'error', original: a.error, replayed: b.error });
  return out;
}

/**
 * Handlers that answer host commands from the recorded steps, by node id. Whether a condition
 * command matched is not a step field; it is read from the output when it says so (`matched` or a
 * boolean output), else inferred: a matching node with children always goes on to its first child,
 * so it matched exactly when one of its children was visited.
 */
export function recordedCommands(root: NodeDefinition, steps: readonly Selectable<DecisionStepsTable>[]): Partial<Record<CommandType, CommandHandler>> {
  const children = new Map<string, string[]>();
  const walk = (node: NodeDefinition, position: string): string => {
    const id = typeof node.nodeId === 'string' && node.nodeId !== '' ? node.nodeId : position;
    children.set(
      id,
      (node.children ?? []).map((c, i) => walk(c, `${position}/${i}`)),
    );
    return id;
  };
  walk(root, 'root');
  const visited = new Set(steps.map((s) => s.node_id));
  const byNode = new Map<string, Selectable<DecisionStepsTable>[]>();
  for (const s of steps) byNode.set(s.node_id, [...(byNode.get(s.node_id) ?? []), s]);

  const handler: CommandHandler = {
    execute(node) {
      const step = byNode.get(node.nodeId)?.shift();
      if (!step) throw new Error(`replay: node ${node.nodeId} was not executed in the original evaluation (no recorded output)`);
      if (step.status === 'FAILED') throw new Error(step.error_details ?? 'failed');
      const output = step.output_data === null ? null : fromJson(step.output_data);
      const said =
        typeof output === 'boolean'
          ? output
          : typeof (output as { matched?: unknown } | null)?.matched === 'boolean'
            ? (output as { matched: boolean }).matched
            : undefined;
      const matched = said ?? (children.get(node.nodeId) ?? []).some((c) => visited.has(c));
      return { matched, output, input: fromJson<Record<string, unknown>>(step.input_data) };
    },
  };
  return Object.fromEntries(HOST.map((type) => [type, handler]));
}
