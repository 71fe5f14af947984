import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { eventsMigrations } from './events.migrations.js';
import type { IngestDeps } from './events.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    /** What `ingestEvents(deps, tenantId, events)` needs (POST /api/v1/events, and the trigger consumer). */
    events: IngestDeps;
  }
}

/** Campaign events in: matched against live campaigns, rewarded within limits, with the outbox event in one transaction. */
export const eventsModule = defineModule<IngestDeps>({
  name: 'events',
  migrations: eventsMigrations,
  roles: ROLES,
  async create({ config, database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { deadlineBudgets } = await import('../platform/deadline.js');
    const { registerEventRoutes } = await import('./events.routes.js');
    const { createEventsService } = await import('./events.service.js');
    const ingest: IngestDeps = {
      db: database.db,
      campaigns: modules.get('campaigns'),
      players: modules.get('players'),
      budgets: deadlineBudgets(config.evaluation.deadlineMs),
    };
    return { api: ingest, routes: routesPlugin((app) => registerEventRoutes(app, createEventsService(ingest))) };
  },
});
