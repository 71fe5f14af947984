import { deadlineBudgets } from '../platform/deadline.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { eventsMigrations } from './events.migrations.js';
import { registerEventRoutes } from './events.routes.js';
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
  create({ config, database, modules }) {
    const ingest: IngestDeps = { db: database.db, campaigns: modules.get('campaigns'), players: modules.get('players'), budgets: deadlineBudgets(config.evaluation.deadlineMs) };
    return { api: ingest, routes: routesPlugin((app) => registerEventRoutes(app, ingest)) };
  },
});
