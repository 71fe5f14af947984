import { readFileSync } from 'node:fs';
import { buildBanyanHttp } from './http.js';
import { allMigrations } from './migrations.js';
import { modulesFor } from './modules.js';
import type { BanyanOverrides } from './overrides.js';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { createEventBus } from './platform/events/connect.js';
import type { EventBus } from './platform/events/bus.js';
import type { App } from './platform/http/server.js';
import { createLogger, type Logger } from './platform/logger.js';
import type { ModuleContext, ModuleInstance, ModuleRegistry, Role } from './platform/modules/contract.js';
import { createModuleRegistry } from './platform/modules/registry.js';
import { StartupError } from './platform/startup-error.js';

export { servesApi, type Role } from './roles.js';
export type { BanyanOverrides } from './overrides.js';
export { StartupError };

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface Banyan {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly app: App;
  readonly role: Role;
  readonly bus: EventBus;
  /** Each module's public API (src/modules.ts), e.g. `modules.get('tenants')`. */
  readonly modules: ModuleRegistry;
  close(): Promise<void>;
}

/**
 * The composition root: opens the database, migrates it, creates the modules of src/modules.ts that
 * run in this role (in list order), builds the HTTP app (not listening) and starts their background
 * work. One shutdown path, for close() and for a failed start: everything opened is closed in
 * reverse order (the HTTP app, then each module's stop from the last to the first, the bus, the database).
 */
export async function createBanyan(config: Config, overrides: BanyanOverrides = {}): Promise<Banyan> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const role = overrides.role ?? 'all';
  const opened: (() => Promise<void>)[] = [];
  const shutdown = once(async () => {
    for (const close of opened.reverse()) await close().catch((err: unknown) => logger.warn({ err }, 'error while closing'));
  });
  try {
    const database = openDatabase(config.database, logger);
    opened.push(() => database.close());
    const { applied } = await migrateToLatest(database, allMigrations);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    const bus = overrides.bus ?? (await createEventBus(config, logger, `banyan-${role}`));
    if (!overrides.bus) opened.push(() => bus.close());
    const { registry: modules, add } = createModuleRegistry();
    add('overrides', overrides);
    const ctx: ModuleContext = { config, logger, database, role, bus, modules, version: VERSION, migrated: applied };
    const instances: ModuleInstance[] = [];
    for (const module of modulesFor(config).filter((m) => m.roles.includes(role))) {
      const instance = await module.create(ctx);
      const { stop } = instance;
      if (stop) opened.push(() => stop.call(instance));
      add(module.name, instance.api);
      instances.push(instance);
    }
    const app = await buildBanyanHttp(
      ctx,
      instances.flatMap((i) => (i.routes ? [i.routes] : [])),
    );
    opened.push(() => app.close());
    await app.ready();
    for (const instance of instances) await instance.start?.();
    return { config, logger, database, app, role, bus, modules, close: shutdown };
  } catch (error) {
    await shutdown();
    throw error;
  }
}

/** `fn` run at most once; later calls share the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
