import type { BanyanOverrides } from '../../src/app.js';
import { sideEffectsOf, type EvaluationRecord } from '../../src/evaluation/recorder.js';
import type { NodeDefinition } from '../../src/engine/types.js';
import { AS_ADMIN, type TestApp } from './app.js';

/**
 * Captures what each evaluate request handed to the recorder (the audit module's input), so a test
 * can check the steps and their `output.calls` / `output.queries` by request id.
 */
export function capturingRecorder(): { records: Map<string, EvaluationRecord>; overrides: BanyanOverrides } {
  const records = new Map<string, EvaluationRecord>();
  return {
    records,
    overrides: { recorder: () => ({ record: async (record) => void records.set(record.requestId, record) }) },
  };
}

export function sideEffects(records: Map<string, EvaluationRecord>, requestId: string) {
  const record = records.get(requestId);
  if (!record) throw new Error(`no evaluation recorded for request ${requestId}`);
  return { record, ...sideEffectsOf(record.outcome) };
}

export async function createTree(app: TestApp, treeId: string, rootNode: NodeDefinition, priority = 0): Promise<void> {
  const response = await app.app.inject({
    method: 'POST',
    url: '/api/v1/management/decision-trees',
    headers: AS_ADMIN,
    payload: { treeId, name: treeId, status: 'ACTIVE', priority, rootNode },
  });
  if (response.statusCode !== 201) throw new Error(`tree ${treeId}: ${response.statusCode} ${response.body}`);
}

export interface Evaluated {
  readonly status: number;
  readonly requestId: string;
  readonly body: {
    success: boolean;
    errorCode: string | null;
    message: string;
    data: {
      eligible: boolean;
      promotionId: string | null;
      discountAmount: number | null;
      discountPercentage: number | null;
      additionalDetails: Record<string, unknown>;
    } | null;
  };
}

export async function evaluate(app: TestApp, customer: Record<string, unknown>, treeId?: string): Promise<Evaluated> {
  const response = await app.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: { ...customer, ...(treeId ? { treeId } : {}) } });
  return { status: response.statusCode, requestId: String(response.headers['x-request-id']), body: response.json() };
}

/** A CONDITION → CALCULATION leaf pair: the offer `promotionId` when `condition` holds. */
export function leaf(promotionId: string, amount = 100): NodeDefinition {
  return {
    nodeId: `${promotionId}-offer`,
    nodeType: 'CALCULATION',
    configuration: {
      commandType: 'CALCULATION',
      strategyType: 'FIXED_AMOUNT',
      parameters: { discountAmount: amount, promotionId, promotionName: promotionId },
    },
  };
}
