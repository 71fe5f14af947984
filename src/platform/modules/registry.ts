import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from '../http/server.js';
import type { ChangeRecorder } from '../changes.js';
import type { ModuleApis, ModuleRegistry } from './contract.js';

/** The registry `createBanyan` fills in list order: a module's API is reachable once it is created. */
export function createModuleRegistry(): { readonly registry: ModuleRegistry; add(name: string, api: unknown): void } {
  const apis = new Map<string, unknown>();
  const registry: ModuleRegistry = {
    get<K extends keyof ModuleApis>(name: K): ModuleApis[K] {
      if (!apis.has(name)) throw new Error(`module ${String(name)} is not created (yet) in this process: a wiring bug (see src/modules.ts)`);
      return apis.get(name) as ModuleApis[K];
    },
    find: <K extends keyof ModuleApis>(name: K) => apis.get(name) as ModuleApis[K] | undefined,
  };
  return {
    registry,
    add(name, api) {
      if (apis.has(name)) throw new Error(`module ${name} is listed twice`);
      apis.set(name, api);
    },
  };
}

/** A module's routes plugin from its `register*Routes(app, …)` function(s), typed as the app's (TypeBox) instance. */
export function routesPlugin(register: (app: App) => void | Promise<void>): FastifyPluginAsync {
  return async (fastify) => {
    await register(fastify.withTypeProvider<TypeBoxTypeProvider>());
  };
}

/** Where a module records who changed what: the audit trail (module `audit`), unless a test replaced it (`overrides.changes`). */
export function changesOf(modules: ModuleRegistry): ChangeRecorder {
  return modules.get('overrides').changes ?? modules.get('audit').changes;
}
