import type { Config } from '../platform/config.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { auditMigrations } from './audit.migrations.js';
import type { AuditModule } from './audit.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    audit: AuditModule;
  }
}

/** The audit trail: first in the list, so every later module's changes and errors are recorded. */
export const auditModule = defineModule<AuditModule>({
  name: 'audit',
  migrations: auditMigrations,
  roles: ROLES,
  async create({ config, database, logger, modules, version, migrated = [] }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { registerAuditRoutes } = await import('./audit.routes.js');
    const { createAuditQueries } = await import('./queries.service.js');
    const { createAuditModule } = await import('./audit.service.js');
    const { ensureUpcomingPartitions } = await import('./partitions.js');
    if (database.dialect === 'postgres') await ensureUpcomingPartitions(database.db, config.audit.partitionMonthsAhead);
    const audit = createAuditModule({ database, config: config.audit, logger });
    if (migrated.length > 0)
      void audit.emit({ type: 'MIGRATION', category: 'SYSTEM', severity: 'INFO', source: 'platform.db', details: { applied: migrated } });
    void audit.emit({ type: 'CONFIGURATION', category: 'SYSTEM', severity: 'INFO', source: 'platform.config', details: configSummary(config, version) });
    // SYSTEM_STOP is said only by a process that finished starting (a failed start just closes).
    let started = false;
    return {
      api: audit,
      // Replays and reports re-evaluate trees: the evaluation module is created later in the list, and is there when routes register.
      routes: routesPlugin((app) => {
        const { service: evaluation } = modules.get('evaluation');
        registerAuditRoutes(app, createAuditQueries({ db: database.db, dialect: database.dialect, trees: modules.get('trees').service, evaluation }));
      }),
      async start() {
        started = true;
      },
      async stop() {
        if (started)
          await audit.emit({
            type: 'SYSTEM_STOP',
            category: 'SYSTEM',
            severity: 'INFO',
            source: 'app',
            details: { version, uptimeSeconds: Math.round(process.uptime()) },
          });
        await audit.close();
      },
    };
  },
});

/** The configuration as a system event: what matters to an auditor, never a secret or a URL with credentials. */
function configSummary(config: Config, version: string): Record<string, unknown> {
  return {
    env: config.env,
    version,
    database: config.database.kind,
    demoData: config.demoData,
    swaggerEnabled: config.swaggerEnabled,
    treeCacheTtlMs: config.treeCacheTtlMs,
    bodyLimitBytes: config.bodyLimitBytes,
    evaluation: config.evaluation,
    loginThrottle: config.loginThrottle,
    audit: { mode: config.audit.mode, batchSize: config.audit.batchSize, flushMs: config.audit.flushMs, retentionMonths: config.audit.retention },
    redis: config.redisUrl !== undefined,
    nats: config.natsUrl !== undefined,
    triggerDefaultTenant: config.triggerDefaultTenant ?? null,
  };
}
