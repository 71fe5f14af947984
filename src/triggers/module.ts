import type { Subscription } from '../platform/events/bus.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { ROLE_PLAN } from '../roles.js';
import type { DeadLetters } from './dead-letters.js';
import { deadLetterMigrations } from './dead-letters.migrations.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    triggers: DeadLetters;
  }
}

/**
 * Behaviour-event triggers: in roles that consume them (ROLE_PLAN.triggers) a consumer of
 * `trigger.<tenant>.user.*` ingests them as campaign events; what it refuses is dead-lettered, and
 * ADMINs list the dead letters in every API role.
 */
export const triggersModule = defineModule<DeadLetters>({
  name: 'triggers',
  migrations: deadLetterMigrations,
  roles: ROLES,
  async create({ config, database, logger, role, bus, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { ingestEvents } = await import('../events/events.service.js');
    const { createDeadLetterSink } = await import('./dead-letters.js');
    const { registerDeadLetterRoutes } = await import('./dead-letters.routes.js');
    const { startTriggerConsumer } = await import('./trigger.consumer.js');
    const deadLetters = createDeadLetterSink({ db: database.db, logger });
    let subscription: Subscription | undefined;
    return {
      api: deadLetters,
      routes: routesPlugin((app) => registerDeadLetterRoutes(app, deadLetters)),
      async start() {
        if (!ROLE_PLAN[role].triggers) return;
        const ingest = modules.get('events');
        const tenants = modules.get('tenants');
        const ingestBehaviour = modules.get('overrides').ingestBehaviour ?? ((tenantId, events) => ingestEvents(ingest, tenantId, events));
        subscription = await startTriggerConsumer(bus, ingestBehaviour, {
          logger,
          deadLetters,
          defaultTenant: config.triggerDefaultTenant,
          tenantActive: async (tenantId) => (await tenants.get(tenantId).catch(() => undefined))?.status === 'ACTIVE',
        });
      },
      stop: async () => subscription?.stop(),
    };
  },
});
