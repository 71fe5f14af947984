/**
 * The module contract: what one capability folder (`src/<module>/module.ts`) hands the
 * composition root (`src/app.ts`). A module is a name, its migrations, the roles it runs in, and
 * a `create` step that builds its services from the context and returns what it exposes: its
 * public API (what other modules may call), a Fastify plugin with its routes (which closes what it
 * opened in `onClose`), and its background work (start/stop). No container: `app.ts` creates the
 * modules in list order, so a module can use any module listed before it through `ctx.modules`.
 *
 * Adding a module is one folder with a `module.ts` and one line in the module list (src/modules.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { MigrationSet } from '../db/migrate.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logger.js';

/** What a process runs: `api` serves HTTP, `worker` pays rewards and consumes events, `scheduler` runs timed jobs, `all` everything. */
export type Role = 'all' | 'api' | 'worker' | 'scheduler';

export const ROLES: readonly Role[] = ['all', 'api', 'worker', 'scheduler'];

/**
 * Each module's public API, keyed by module name. A module declares its entry by augmentation in
 * its own module.ts, so `ctx.modules.get('usage')` is typed without a central list of types:
 *
 *     declare module '../platform/modules/contract.js' {
 *       interface ModuleApis { usage: UsageService }
 *     }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleApis {}

export interface ModuleRegistry {
  /** The public API of a module created earlier in the list; throws a StartupError-worthy Error if it is not (a wiring bug). */
  get<K extends keyof ModuleApis>(name: K): ModuleApis[K];
  /** The same, or undefined when the module is not in this process's list. */
  find<K extends keyof ModuleApis>(name: K): ModuleApis[K] | undefined;
}

/** What every module's `create` receives. */
export interface ModuleContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly role: Role;
  readonly bus: EventBus;
  readonly modules: ModuleRegistry;
  /** The application version (package.json). */
  readonly version: string;
  /** The migrations this start applied (the audit module records them as a MIGRATION event). */
  readonly migrated?: readonly string[];
}

/** What a module's `create` returns. Every member is optional: a module may only own tables, or only routes. */
export interface ModuleInstance<Api = unknown> {
  /** Its public API, reachable by later modules as `ctx.modules.get(name)`. */
  readonly api?: Api;
  /**
   * Its routes, registered only in roles that serve the API (`servesApi(role)`). Wrap it in
   * `fastify-plugin` only when it must add hooks to the whole app (e.g. metering every request).
   */
  readonly routes?: FastifyPluginAsync;
  /** Background work (consumers, sweepers, schedulers), started after the HTTP app is ready, in list order. */
  start?(): Promise<void>;
  /** Stops what `start` began and closes what `create` opened; called once, in reverse list order. */
  stop?(): Promise<void>;
}

export interface BanyanModule<Api = unknown> {
  readonly name: string;
  /** Its migrations; names sort in application order across all modules. */
  readonly migrations?: MigrationSet;
  /** The roles whose processes create this module at all (a module absent from a role is not built there). */
  readonly roles: readonly Role[];
  create(ctx: ModuleContext): Promise<ModuleInstance<Api>> | ModuleInstance<Api>;
}

/** Helper for a typed module literal. */
export function defineModule<Api>(module: BanyanModule<Api>): BanyanModule<Api> {
  return module;
}
