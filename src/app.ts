import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCampaignsService, type CampaignsService } from './campaigns/campaigns.service.js';
import { registerCampaignRoutes } from './campaigns/campaigns.routes.js';
import { DEMO_API_KEY, seedDemoCampaigns, type CampaignSeedReport } from './demo/campaigns.js';
import { retireDemoTenantRecorded } from './demo/retire.js';
import { ensureUsers } from './demo/staff.js';
import { startEmbeddedSandbox } from './sandbox/embedded.js';
import { reencryptStoredSecrets } from './tenants/secrets-startup.js';
import { registerEventRoutes } from './events/events.routes.js';
import { ingestEvents, type IngestDeps } from './events/events.service.js';
import { registerPlayerRoutes } from './players/players.routes.js';
import { createPlayersService, type PlayersService } from './players/players.service.js';
import { registerTemplateRoutes } from './templates/templates.routes.js';
import { createTemplatesService, type TemplatesService } from './templates/templates.service.js';
import { registerTenantRoutes } from './tenants/tenants.routes.js';
import { createTenantsService, type TenantsService } from './tenants/tenants.service.js';
import type { TreeCompileOptions } from './engine/types.js';
import { ensureDemoExternalSystems } from './demo/external-systems.js';
import { createAuditModule, type AuditModule } from './audit/audit.service.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { ensureUpcomingPartitions } from './audit/partitions.js';
import { seedDemoData, type SeedReport } from './demo/seed.js';
import { createEvaluationService, type EvaluationService } from './evaluation/evaluation.service.js';
import { registerEvaluationRoutes } from './evaluation/evaluation.routes.js';
import type { EvaluationRecorder } from './evaluation/recorder.js';
import { TreeCatalog } from './evaluation/tree-catalog.js';
import { createExternalSystemCommand } from './external/command.js';
import { registerExternalSystemRoutes } from './external/external.routes.js';
import { createExternalSystemsService, type ExternalSystemsService } from './external/external.service.js';
import { localDataPath, registerHealthRoutes } from './health/health.routes.js';
import { registerMetricsRoutes } from './health/metrics.routes.js';
import { allMigrations } from './migrations.js';
import type { ChangeRecorder } from './platform/changes.js';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import type { LoginRecorder } from './platform/http/auth.js';
import { buildHttpServer, type App } from './platform/http/server.js';
import { createLoginLimiter } from './platform/http/login-limiter.js';
import { createLogger, type Logger } from './platform/logger.js';
import { StartupError } from './platform/startup-error.js';
import { createDatabaseQueryCommand } from './reference/command.js';
import { registerReferenceRoutes } from './reference/reference.routes.js';
import { createReferenceService, type ReferenceService } from './reference/reference.service.js';
import { createDroolsRuleCommand, validateDroolsRule } from './rules/drools-command.js';
import { createEventBus } from './platform/events/connect.js';
import type { EventBus, Subscription } from './platform/events/bus.js';
import { OutboxRelay } from './platform/outbox/relay.js';
import { createCallbackSender, type CallbackResolver } from './rewards/callbacks.js';
import { guardedConnector } from './platform/net/url-guard.js';
import { secretBoxOf } from './platform/secrets/keys.js';
import { createWalletClient, type WalletClient } from './rewards/wallet.client.js';
import { RewardWorker } from './rewards/worker.js';
import { TOPICS } from './platform/outbox/outbox.js';
import { startTriggerConsumer, type IngestBehaviour } from './triggers/trigger.consumer.js';
import { createDeadLetterSink } from './triggers/dead-letters.js';
import { registerDeadLetterRoutes } from './triggers/dead-letters.routes.js';
import { registerRuleRoutes } from './rules/rules.routes.js';
import { createRulesService, validateHardcodedRule, validateSpelRule, type RulesService } from './rules/rules.service.js';
import { registerTreeRoutes } from './trees/trees.routes.js';
import { createReferenceValidator } from './trees/node-references.js';
import { createTreesService, type TreesService } from './trees/trees.service.js';
import type { RunningSandbox } from './sandbox/index.js';
import { createUsersService, type UsersService } from './users/users.service.js';
import { deadlineBudgets, pausingCommand } from './platform/deadline.js';
import { registerUserRoutes } from './users/users.routes.js';
import { usageModule } from './usage/module.js';
import type { UsageService } from './usage/index.js';

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
  readonly role: Role;
  readonly bus: EventBus;
  readonly relay: OutboxRelay;
  /** Present in roles `all` and `worker`. */
  readonly rewardWorker: RewardWorker | undefined;
  /** The wallet the worker pays into (WALLET_URL, or the embedded sandbox outside production). */
  readonly walletUrl: string | undefined;
  readonly tenants: TenantsService;
  readonly players: PlayersService;
  readonly campaigns: CampaignsService;
  readonly templates: TemplatesService;
  /** What `ingestEvents(deps, tenantId, events)` needs (the NATS trigger consumer calls it). */
  readonly ingest: IngestDeps;
  readonly demoCampaigns: CampaignSeedReport | null;
  readonly audit: AuditModule;
  /** The usage module's API, in roles that serve the API (composed by hand until src/modules.ts lands). */
  readonly usage: UsageService | undefined;
  close(): Promise<void>;
}

/** What a process runs: `api` serves HTTP, `worker` pays rewards and consumes events, `all` both. Every role relays the outbox. */
export type Role = 'all' | 'api' | 'worker' | 'scheduler';

/** Roles that serve the public API; the others answer `/actuator/*` only. */
export function servesApi(role: Role): boolean {
  return role === 'all' || role === 'api';
}

/** Seams a deployment (or a test) may replace; everything else is built from config. */
export interface BanyanOverrides {
  readonly logger?: Logger;
  readonly recorder?: (deps: { database: Database; logger: Logger }) => EvaluationRecorder;
  readonly changes?: ChangeRecorder;
  readonly logins?: LoginRecorder;
  /** Where `${env:BANYAN_EXT_SECRET_*}` secrets of external systems are read (default process.env; no other name is ever read). */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
  /** Default `all`. */
  readonly role?: Role;
  /**
   * Relay the outbox from this process (default true). A cluster's extra HTTP workers do not when
   * the bus is in-process: what they published would reach no reward worker.
   */
  readonly relay?: boolean;
  readonly bus?: EventBus;
  /** Where paid-reward callbacks go; default: the tenant's callback URL and secret (the tenants module's resolver). */
  readonly callbacks?: CallbackResolver;
  /** Behaviour-event ingestion for `trigger.<tenant>.user.*` (the campaigns module's `ingestEvents`). */
  readonly ingestBehaviour?: IngestBehaviour;
}

export { StartupError };

/**
 * The composition root: builds every module from config, explicitly (no container). Opens the
 * database, migrates it, creates users and demo data as configured, and returns the HTTP app
 * (not listening).
 */
export async function createBanyan(config: Config, overrides: BanyanOverrides = {}): Promise<Banyan> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const role = overrides.role ?? 'all';
  const database = openDatabase(config.database, logger);
  let sandbox: RunningSandbox | null = null;
  let externalSystems: ExternalSystemsService | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  const runCleanup = async () => {
    for (const step of cleanup.reverse()) await step().catch((err: unknown) => logger.warn({ err }, 'error while closing'));
  };
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

    const rules = createRulesService({ db, changes, validators: { SPEL: validateSpelRule, HARDCODED: validateHardcodedRule, DROOLS: validateDroolsRule } });
    // One address policy for every outbound URL (platform/net/url-guard.ts): public-only in production.
    const publicOnly = config.env === 'production';
    const externalPolicy = { publicOnly, allowedHosts: config.externalHostsAllow, onlyAllowed: publicOnly && config.externalHostsAllow.length > 0 };
    externalSystems = createExternalSystemsService({ db, changes, ttlMs: config.externalCacheTtlMs, addressPolicy: externalPolicy });
    const reference = createReferenceService({ db, changes });
    // Host commands: the nodes that reach outside the engine (seed 002's Command Pattern).
    const commands: TreeCompileOptions['commands'] = {
      // I/O commands pause the tree's deadline while they wait (src/platform/deadline.ts).
      EXTERNAL_SYSTEM: pausingCommand(createExternalSystemCommand({ systems: externalSystems, env: overrides.secrets ?? process.env })),
      DATABASE_QUERY: pausingCommand(createDatabaseQueryCommand({ reference })),
      DROOLS_RULE: createDroolsRuleCommand({ rules, ttlMs: config.externalCacheTtlMs }),
    };
    const compileOptions = (): TreeCompileOptions => ({ commands });
    const validateReferences = createReferenceValidator({
      externalSystem: async (name) => (await externalSystems?.resolve(name)) !== undefined,
      namedQuery: async (name) => (await reference.resolveQuery(name)) !== undefined,
      droolsRules: async () => (await rules.activeOfType('DROOLS')).map((r) => ({ name: r.name, content: r.ruleContent })),
    });
    const trees = createTreesService({ db, changes, compileOptions, validateReferences });
    const catalog = new TreeCatalog(trees, compileOptions, config.treeCacheTtlMs);
    const budgets = deadlineBudgets(config.evaluation.deadlineMs);
    const evaluation = createEvaluationService(catalog, { budgets });
    const recorder = overrides.recorder?.({ database, logger }) ?? audit.recorder;

    // The demo's simulators back the API's EXTERNAL_SYSTEM nodes, so only API roles start them (a
    // worker re-registering the demo systems at its own address would repoint the API's).
    if (config.demoData && config.sandbox.enabled && servesApi(role)) {
      sandbox = await startEmbeddedSandbox(config.sandbox.port);
      const registered = await ensureDemoExternalSystems(externalSystems, sandbox.url);
      logger.info({ url: sandbox.url, registered }, 'sandbox simulators started');
    }

    let seeded: SeedReport | null = null;
    if (config.demoData && (await trees.list({ page: 0, size: 1 })).totalElements === 0) {
      seeded = await seedDemoData({ trees, rules }, { factorTreesActive: config.demoFactorTreesActive });
      logger.info(seeded, 'demo data loaded');
    }

    if (!config.jwt.secret && config.env === 'production') {
      logger.warn('JWT_SECRET is not set: tenant tokens use a random per-process key and die on restart (set it for multi-node)');
    }
    const callbackPolicy = { publicOnly, allowedHosts: config.rewards.callbackAllowedHosts };
    const tenants = createTenantsService({
      db,
      jwtSecret: config.jwt.secret ? new TextEncoder().encode(config.jwt.secret) : randomBytes(32),
      tokenTtlSeconds: config.jwt.ttlSeconds,
      callbackPolicy,
      secretBox: secretBoxOf(config),
    });
    if (config.secretKeys.development) logger.warn('BANYAN_SECRET_KEY is not set: stored secrets are encrypted with the published development key (production refuses to start without one)');
    await reencryptStoredSecrets(tenants, { logger, audit });
    const players = createPlayersService(db);
    const campaigns = createCampaignsService({ db, players, budgets });
    const templates = createTemplatesService({ db, campaigns });
    const ingest: IngestDeps = { db, campaigns, players, budgets };
    const deadLetters = createDeadLetterSink({ db, logger });
    if (config.env === 'production') await retireDemoTenantRecorded(tenants, { logger, audit });
    let demoCampaigns: CampaignSeedReport | null = null;
    if (config.demoData && config.env !== 'production') {
      demoCampaigns = await seedDemoCampaigns({ tenants, templates, campaigns });
      if (demoCampaigns) logger.info(demoCampaigns, 'campaign demo loaded');
      logger.info({ tenant: 'demo', apiKey: DEMO_API_KEY }, 'demo tenant API key (development only)');
    }

    const loginLimiter = createLoginLimiter({
      ...config.loginThrottle,
      redisUrl: config.redisUrl,
      onRedisError: (err) => logger.warn({ err }, 'login limiter: Redis unreachable, counting in process'),
    });
    cleanup.push(() => loginLimiter.close());
    const app = await buildHttpServer({
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      bodyDrainLimitBytes: config.bodyDrainLimitBytes,
      swaggerEnabled: config.swaggerEnabled && servesApi(role),
      version: VERSION,
      auth: { authenticator: users, tenants, limiter: loginLimiter, limits: config.loginThrottle, recorder: overrides.logins ?? audit.logins },
      onUnexpectedError: (error, request) => {
        const err = error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
        void audit?.emit({ type: 'ERROR', category: 'SYSTEM', severity: 'ERROR', source: 'http', details: { ...err, method: request.method, url: request.url }, correlationId: request.id });
      },
    });
    registerHealthRoutes(app, { database, diskPath: localDataPath(config.database) });
    let rewardWorker: RewardWorker | undefined;
    registerMetricsRoutes(app, { role, rewardWorker: () => rewardWorker });
    // composed by hand until src/modules.ts lands: the usage module (src/usage/module.ts) in its roles.
    const usageInstance = usageModule.roles.includes(role)
      ? await usageModule.create({
          config,
          logger,
          database,
          role,
          version: VERSION,
          get bus(): EventBus {
            throw new Error('the bus is created after the HTTP app (hand-composed app.ts)');
          },
          modules: {
            get: (name) => {
              throw new Error(`module ${name} is not composed yet`);
            },
            find: () => undefined,
          },
        })
      : undefined;
    if (usageInstance?.routes) await app.register(usageInstance.routes);
    // Worker and scheduler processes answer health and metrics only: the public API is the api role's, so a
    // worker reachable for its health check does not become a second, unmonitored API.
    if (servesApi(role)) {
      registerEvaluationRoutes(app, { evaluation, recorder, trees, db, bodyLimitBytes: config.evaluation.bodyLimitBytes });
      registerTreeRoutes(app, trees);
      registerRuleRoutes(app, rules);
      registerExternalSystemRoutes(app, externalSystems);
      registerReferenceRoutes(app, reference, { csvLimitBytes: config.referenceCsvLimitBytes });
      registerTenantRoutes(app, tenants);
      registerCampaignRoutes(app, campaigns);
      registerTemplateRoutes(app, templates);
      registerPlayerRoutes(app, { database, players, campaigns });
      registerEventRoutes(app, ingest);
      registerAuditRoutes(app, { db, dialect: database.dialect, trees, evaluation, catalog });
      registerUserRoutes(app, users);
      registerDeadLetterRoutes(app, deadLetters);
      // The HTTP benchmark's baseline: the full stack (hooks, auth, envelope) minus any work.
      if (process.env.BANYAN_BENCH === '1') {
        app.get('/_bench/noop', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ success: true }));
        app.post('/_bench/echo', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ success: true }));
      }
    }
    await app.ready();
    // composed by hand until src/modules.ts lands: start/stop of the usage module.
    if (usageInstance) {
      await usageInstance.start?.();
      cleanup.push(async () => usageInstance.stop?.());
    }
    const systems = externalSystems;
    const auditModule = audit;

    const bus = overrides.bus ?? (await createEventBus(config, logger, `banyan-${role}`));
    if (!overrides.bus) cleanup.push(() => bus.close());
    const relay = new OutboxRelay({
      db,
      dialect: database.dialect,
      bus,
      logger,
      ...config.outbox,
      ...(config.database.kind === 'postgres' ? { listenUrl: config.database.url } : {}),
    });
    if (overrides.relay ?? true) {
      relay.start();
      cleanup.push(() => relay.stop());
    }

    let walletUrl = config.walletUrl;
    if (role === 'all' || role === 'worker') {
      if (!walletUrl) {
        if (config.env === 'production') throw new StartupError('WALLET_URL is required for the reward worker in production');
        // The demo's simulators include the wallet; start them only if the demo did not.
        if (!sandbox) {
          // On SANDBOX_PORT like the demo's, so an api process (or a person) can find the wallet it pays into.
          const own = await startEmbeddedSandbox(config.sandbox.port);
          cleanup.push(() => own.close());
          walletUrl = own.url;
        } else {
          walletUrl = sandbox.url;
        }
        logger.info({ walletUrl }, 'no WALLET_URL: paying rewards into the embedded sandbox wallet');
      }
      const wallet: WalletClient = createWalletClient({ baseUrl: walletUrl, timeoutMs: config.rewards.walletTimeoutMs, connections: config.rewards.concurrency });
      cleanup.push(() => wallet.close());
      rewardWorker = new RewardWorker({ db, bus, wallet, logger, config: config.rewards });
      await rewardWorker.start();
      const worker = rewardWorker;
      cleanup.push(() => worker.stop());

      const callbacks = createCallbackSender({
        resolve: overrides.callbacks ?? tenants.callbackResolver,
        timeoutMs: config.rewards.callbackTimeoutMs,
        connector: guardedConnector(callbackPolicy, { timeout: config.rewards.callbackTimeoutMs }),
        maxAttempts: 10,
      });
      cleanup.push(() => callbacks.close());
      const callbackSub: Subscription = await bus.subscribe(TOPICS.promotionReward, (event) => callbacks.handle(event), {
        durable: 'reward-callbacks',
        ackWaitMs: config.rewards.ackWaitMs,
        maxDeliver: 20,
        concurrency: 8,
      });
      cleanup.push(() => callbackSub.stop());

      const ingestBehaviour = overrides.ingestBehaviour ?? ((tenantId, events) => ingestEvents(ingest, tenantId, events));
      const triggerSub = await startTriggerConsumer(bus, ingestBehaviour, {
        logger,
        deadLetters,
        defaultTenant: config.triggerDefaultTenant,
        tenantActive: async (tenantId) => (await tenants.get(tenantId).catch(() => undefined))?.status === 'ACTIVE',
      });
      cleanup.push(() => triggerSub.stop());
    }

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
      role,
      bus,
      relay,
      rewardWorker,
      walletUrl,
      tenants,
      players,
      campaigns,
      templates,
      ingest,
      demoCampaigns,
      audit: auditModule,
      usage: usageInstance?.api,
      async close() {
        // Stop taking work first, then the HTTP server, then the connections.
        await runCleanup();
        await app.close();
        await systems.close();
        await sandbox?.close();
        await auditModule.emit({ type: 'SYSTEM_STOP', category: 'SYSTEM', severity: 'INFO', source: 'app', details: { version: VERSION, uptimeSeconds: Math.round(process.uptime()) } });
        await auditModule.close();
        await database.close();
      },
    };
  } catch (error) {
    await externalSystems?.close();
    await sandbox?.close();
    await runCleanup();
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
    evaluation: config.evaluation,
    loginThrottle: config.loginThrottle,
    audit: { mode: config.audit.mode, batchSize: config.audit.batchSize, flushMs: config.audit.flushMs, retentionMonths: config.audit.retention },
    redis: config.redisUrl !== undefined,
    nats: config.natsUrl !== undefined,
    triggerDefaultTenant: config.triggerDefaultTenant ?? null,
  };
}

