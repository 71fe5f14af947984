/** Public API of the evaluation module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export {
  createEvaluationService,
  EvaluationFailedError,
  NOT_ELIGIBLE,
  type EvaluateInput,
  type EvaluationOutcome,
  type EvaluationService,
  type EvaluationServiceOptions,
  type TreeRun,
} from './evaluation.service.js';
export { createHistoryService, type HistoryFilter, type HistoryService } from './history.service.js';
export { historyRow, sideEffectsOf, type DatabaseQueryRecord, type EvaluationRecord, type EvaluationRecorder, type ExternalCallRecord } from './recorder.js';
export { sessionOf, type EvaluationSession } from './session.js';
export { TreeCatalog, type LoadedTree } from './tree-catalog.js';
/** The owner of `promotion_history`: the audit writer records history rows through these. */
export { historyInsert, insertHistoryRows, HISTORY_RECORDSET, type HistoryRow } from './history.repository.js';
export { CUST001 } from './examples.js';
