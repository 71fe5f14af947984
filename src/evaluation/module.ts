import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { evaluationMigrations } from './evaluation.migrations.js';
import type { EvaluationService } from './evaluation.service.js';
import type { TreeCatalog } from './tree-catalog.js';
import type { EvaluationRecorder } from './recorder.js';

export interface EvaluationApi {
  readonly service: EvaluationService;
  /** The compiled trees, cached (TREE_CACHE_TTL_MS). */
  readonly catalog: TreeCatalog;
  /** Where evaluations are recorded: the audit trail, unless a test replaced it (`overrides.recorder`). */
  readonly recorder: EvaluationRecorder;
}

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    evaluation: EvaluationApi;
  }
}

/** Seed 002's evaluation: POST /api/v1/promotions/evaluate and the promotion history. */
export const evaluationModule = defineModule<EvaluationApi>({
  name: 'evaluation',
  migrations: evaluationMigrations,
  roles: ROLES,
  async create({ config, database, logger, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { deadlineBudgets } = await import('../platform/deadline.js');
    const { registerEvaluationRoutes } = await import('./evaluation.routes.js');
    const { createEvaluationService } = await import('./evaluation.service.js');
    const { TreeCatalog } = await import('./tree-catalog.js');
    const { createHistoryService } = await import('./history.service.js');
    const { service: trees, compileOptions } = modules.get('trees');
    const catalog = new TreeCatalog(trees, compileOptions, config.treeCacheTtlMs);
    const evaluation = createEvaluationService(catalog, { budgets: deadlineBudgets(config.evaluation.deadlineMs) });
    const recorder = modules.get('overrides').recorder?.({ database, logger }) ?? modules.get('audit').recorder;
    return {
      api: { service: evaluation, catalog, recorder },
      routes: routesPlugin((app) =>
        registerEvaluationRoutes(app, {
          evaluation,
          recorder,
          trees,
          history: createHistoryService(database.db),
          bodyLimitBytes: config.evaluation.bodyLimitBytes,
        }),
      ),
    };
  },
});
