import { readFileSync } from 'node:fs';
import type { TreeCompileOptions } from './engine/types.js';
import { ensureDemoExternalSystems } from './demo/external-systems.js';
import { seedDemoData, seedDemoUsers, type SeedReport } from './demo/seed.js';
import { createEvaluationService, type EvaluationService } from './evaluation/evaluation.service.js';
import { registerEvaluationRoutes } from './evaluation/evaluation.routes.js';
import { createHistoryRecorder, type EvaluationRecorder } from './evaluation/recorder.js';
import { TreeCatalog } from './evaluation/tree-catalog.js';
import { createExternalSystemCommand } from './external/command.js';
import { registerExternalSystemRoutes } from './external/external.routes.js';
import { createExternalSystemsService, type ExternalSystemsService } from './external/external.service.js';
import { registerHealthRoutes } from './health/health.routes.js';
import { allMigrations } from './migrations.js';
import { noChangeRecorder, type ChangeRecorder } from './platform/changes.js';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import type { LoginRecorder } from './platform/http/auth.js';
import { buildHttpServer, type App } from './platform/http/server.js';
import { createLogger, type Logger } from './platform/logger.js';
import { createDatabaseQueryCommand } from './reference/command.js';
import { registerReferenceRoutes } from './reference/reference.routes.js';
import { createReferenceService, type ReferenceService } from './reference/reference.service.js';
import { createDroolsRuleCommand, validateDroolsRule } from './rules/drools-command.js';
import { registerRuleRoutes } from './rules/rules.routes.js';
import { createRulesService, validateHardcodedRule, validateSpelRule, type RulesService } from './rules/rules.service.js';
import { registerTreeRoutes } from './trees/trees.routes.js';
import { createTreesService, type TreesService } from './trees/trees.service.js';
import { startSandbox, type RunningSandbox } from './sandbox/index.js';
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
  readonly externalSystems: ExternalSystemsService;
  readonly reference: ReferenceService;
  /** The demo's simulators (credit bureau, AML, wallet), when SANDBOX_ENABLED and DEMO_DATA. */
  readonly sandbox: RunningSandbox | null;
  readonly seeded: SeedReport | null;
  close(): Promise<void>;
}

/** Seams a deployment (or a test) may replace; everything else is built from config. */
export interface BanyanOverrides {
  readonly logger?: Logger;
  readonly recorder?: (deps: { database: Database; logger: Logger }) => EvaluationRecorder;
  readonly changes?: ChangeRecorder;
  readonly logins?: LoginRecorder;
  /** Where `${env:NAME}` secrets of external systems are read (default process.env). */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
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
  let sandbox: RunningSandbox | null = null;
  let externalSystems: ExternalSystemsService | undefined;
  try {
    const { applied } = await migrateToLatest(database, allMigrations);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');

    const { db } = database;
    const changes = overrides.changes ?? noChangeRecorder;
    const users = createUsersService(db);
    await ensureUsers(config, users, logger);

    const rules = createRulesService({ db, changes, validators: { SPEL: validateSpelRule, HARDCODED: validateHardcodedRule, DROOLS: validateDroolsRule } });
    externalSystems = createExternalSystemsService({ db, changes, ttlMs: config.externalCacheTtlMs });
    const reference = createReferenceService({ db, changes });
    // Host commands: the nodes that reach outside the engine (seed 002's Command Pattern).
    const commands: TreeCompileOptions['commands'] = {
      EXTERNAL_SYSTEM: createExternalSystemCommand({ systems: externalSystems, env: overrides.secrets ?? process.env }),
      DATABASE_QUERY: createDatabaseQueryCommand({ reference }),
      DROOLS_RULE: createDroolsRuleCommand({ rules, ttlMs: config.externalCacheTtlMs }),
    };
    const compileOptions = (): TreeCompileOptions => ({ commands });
    const trees = createTreesService({ db, changes, compileOptions });
    const catalog = new TreeCatalog(trees, compileOptions, config.treeCacheTtlMs);
    const evaluation = createEvaluationService(catalog);
    const recorder = overrides.recorder?.({ database, logger }) ?? createHistoryRecorder(db);

    if (config.demoData && config.sandbox.enabled) {
      sandbox = await startSandbox({ port: config.sandbox.port });
      const registered = await ensureDemoExternalSystems(externalSystems, sandbox.url);
      logger.info({ url: sandbox.url, registered }, 'sandbox simulators started');
    }

    let seeded: SeedReport | null = null;
    if (config.demoData && (await trees.list({ page: 0, size: 1 })).totalElements === 0) {
      seeded = await seedDemoData({ trees, rules }, { factorTreesActive: config.demoFactorTreesActive });
      logger.info(seeded, 'demo data loaded');
    }

    const app = await buildHttpServer({
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      swaggerEnabled: config.swaggerEnabled,
      version: VERSION,
      auth: { authenticator: users, throttle: config.loginThrottle, ...(overrides.logins ? { recorder: overrides.logins } : {}) },
    });
    registerHealthRoutes(app, { database, dataDir: config.dataDir });
    registerEvaluationRoutes(app, { evaluation, recorder, trees, db });
    registerTreeRoutes(app, trees);
    registerRuleRoutes(app, rules);
    registerExternalSystemRoutes(app, externalSystems);
    registerReferenceRoutes(app, reference, { csvLimitBytes: config.referenceCsvLimitBytes });
    await app.ready();
    const systems = externalSystems;

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
      externalSystems: systems,
      reference,
      sandbox,
      seeded,
      async close() {
        await app.close();
        await systems.close();
        await sandbox?.close();
        await database.close();
      },
    };
  } catch (error) {
    await externalSystems?.close();
    await sandbox?.close();
    await database.close();
    throw error;
  }
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
