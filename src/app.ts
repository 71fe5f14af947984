import { readFileSync } from 'node:fs';
import type { TreeCompileOptions } from './engine/types.js';
import { createAuditModule, type AuditModule } from './audit/audit.service.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { ensureUpcomingPartitions } from './audit/partitions.js';
import { seedDemoData, seedDemoUsers, type SeedReport } from './demo/seed.js';
import { createEvaluationService, type EvaluationService } from './evaluation/evaluation.service.js';
import { registerEvaluationRoutes } from './evaluation/evaluation.routes.js';
import type { EvaluationRecorder } from './evaluation/recorder.js';
import { TreeCatalog } from './evaluation/tree-catalog.js';
import { registerHealthRoutes } from './health/health.routes.js';
import { allMigrations } from './migrations.js';
import type { ChangeRecorder } from './platform/changes.js';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import type { LoginRecorder } from './platform/http/auth.js';
import { buildHttpServer, type App } from './platform/http/server.js';
import { createLogger, type Logger } from './platform/logger.js';
import { registerRuleRoutes } from './rules/rules.routes.js';
import { createRulesService, validateHardcodedRule, validateSpelRule, type RulesService } from './rules/rules.service.js';
import { registerTreeRoutes } from './trees/trees.routes.js';
import { createTreesService, type TreesService } from './trees/trees.service.js';
import { createUsersService, type UsersService } from './users/users.service.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface Banyan {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly app: App;
  readonly users: UsersService;
  readonly trees: TreesService;
  readonly rules: RulesService;
  readonly catalog: TreeCatalog;
  readonly evaluation: EvaluationService;
  readonly seeded: SeedReport | null;
  readonly audit: AuditModule;
  close(): Promise<void>;
}

/** Seams a deployment (or a test) may replace; everything else is built from config. */
export interface BanyanOverrides {
  readonly logger?: Logger;
  readonly recorder?: (deps: { database: Database; logger: Logger }) => EvaluationRecorder;
  readonly changes?: ChangeRecorder;
  readonly logins?: LoginRecorder;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * The composition root: builds every module from config, explicitly (no container). Opens the
 * database, migrates it, creates users and demo data as configured, and returns the HTTP app
 * (not listening).
 */
export async function createBanyan(config: Config, overrides: BanyanOverrides = {}): Promise<Banyan> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const database = openDatabase(config.database, logger);
  let audit: AuditModule | undefined;
  try {
    const { applied } = await migrateToLatest(database, allMigrations);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');

    const { db } = database;
    if (database.dialect === 'postgres') await ensureUpcomingPartitions(db, config.audit.partitionMonthsAhead);
    audit = createAuditModule({ database, config: config.audit, logger });
    if (applied.length > 0) void audit.emit({ type: 'MIGRATION', category: 'SYSTEM', severity: 'INFO', source: 'platform.db', details: { applied } });
    void audit.emit({ type: 'CONFIGURATION', category: 'SYSTEM', severity: 'INFO', source: 'platform.config', details: configSummary(config) });
    const changes = overrides.changes ?? audit.changes;
    const users = createUsersService(db);
    await ensureUsers(config, users, logger);

    const compileOptions = (): TreeCompileOptions => ({});
    const trees = createTreesService({ db, changes, compileOptions });
    const rules = createRulesService({ db, changes, validators: { SPEL: validateSpelRule, HARDCODED: validateHardcodedRule } });
    const catalog = new TreeCatalog(trees, compileOptions, config.treeCacheTtlMs);
    const evaluation = createEvaluationService(catalog);
    const recorder = overrides.recorder?.({ database, logger }) ?? audit.recorder;

    let seeded: SeedReport | null = null;
    if (config.demoData && (await trees.list({ page: 0, size: 1 })).totalElements === 0) {
      seeded = await seedDemoData({ trees, rules });
      logger.info(seeded, 'demo data loaded');
    }

    const app = await buildHttpServer({
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      swaggerEnabled: config.swaggerEnabled,
      version: VERSION,
      auth: { authenticator: users, throttle: config.loginThrottle, recorder: overrides.logins ?? audit.logins },
      onUnexpectedError: (error, request) => {
        const err = error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
        void audit?.emit({ type: 'ERROR', category: 'SYSTEM', severity: 'ERROR', source: 'http', details: { ...err, method: request.method, url: request.url }, correlationId: request.id });
      },
    });
    registerHealthRoutes(app, { database, dataDir: config.dataDir });
    registerEvaluationRoutes(app, { evaluation, recorder, trees, db });
    registerTreeRoutes(app, trees);
    registerRuleRoutes(app, rules);
    registerAuditRoutes(app, { db, dialect: database.dialect, trees, evaluation, catalog });
    // The HTTP benchmark's baseline: the full stack (hooks, auth, envelope) minus any work.
    if (process.env.BANYAN_BENCH === '1') app.get('/_bench/noop', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ success: true }));
    await app.ready();
    const auditModule = audit;

    return {
      config,
      logger,
      database,
      app,
      users,
      trees,
      rules,
      catalog,
      evaluation,
      seeded,
      audit: auditModule,
      async close() {
        await app.close();
        await auditModule.emit({ type: 'SYSTEM_STOP', category: 'SYSTEM', severity: 'INFO', source: 'app', details: { version: VERSION, uptimeSeconds: Math.round(process.uptime()) } });
        await auditModule.close();
        await database.close();
      },
    };
  } catch (error) {
    await audit?.close().catch(() => undefined);
    await database.close();
    throw error;
  }
}

/** The configuration as a system event: what matters to an auditor, never a secret or a URL with credentials. */
function configSummary(config: Config): Record<string, unknown> {
  return {
    env: config.env,
    version: VERSION,
    database: config.database.kind,
    demoData: config.demoData,
    swaggerEnabled: config.swaggerEnabled,
    treeCacheTtlMs: config.treeCacheTtlMs,
    bodyLimitBytes: config.bodyLimitBytes,
    loginThrottle: config.loginThrottle,
    audit: { mode: config.audit.mode, batchSize: config.audit.batchSize, flushMs: config.audit.flushMs, retentionMonths: config.audit.retention },
    redis: config.redisUrl !== undefined,
    nats: config.natsUrl !== undefined,
  };
}

/**
 * Outside production the document's demo users exist (admin/admin123 …). In production the admin
 * comes from BANYAN_ADMIN_USER / BANYAN_ADMIN_PASSWORD and any user still on a published demo
 * password stops the start.
 */
async function ensureUsers(config: Config, users: UsersService, logger: Logger): Promise<void> {
  if (config.admin.password) {
    await users.upsert(config.admin.user, config.admin.password, ['ADMIN', 'MANAGER', 'AUDITOR']);
  }
  if (config.env !== 'production') {
    await seedDemoUsers(users);
    return;
  }
  const offenders = await users.demoPasswordUsers();
  if (offenders.length > 0) {
    throw new StartupError(`refusing to start in production: users ${offenders.join(', ')} still have the published demo passwords; change or disable them`);
  }
  logger.info({ admin: config.admin.user }, 'production mode: demo users disabled');
}
