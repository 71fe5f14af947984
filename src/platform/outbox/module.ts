import { ROLE_PLAN } from '../../roles.js';
import { defineModule, ROLES } from '../modules/contract.js';
import type { OutboxRelay } from './relay.js';
import { outboxMigrations } from './outbox.migrations.js';

declare module '../modules/contract.js' {
  interface ModuleApis {
    outbox: OutboxRelay;
  }
}

/** The transactional outbox's relay to the bus: every role runs it (roles.ts), unless `overrides.relay` is false. */
export const outboxModule = defineModule<OutboxRelay>({
  name: 'outbox',
  migrations: outboxMigrations,
  roles: ROLES,
  async create({ config, database, bus, logger, role, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { OutboxRelay } = await import('./relay.js');
    const relay = new OutboxRelay({
      db: database.db,
      dialect: database.dialect,
      bus,
      logger,
      ...config.outbox,
      ...(config.database.kind === 'postgres' ? { listenUrl: config.database.url } : {}),
    });
    const relays = ROLE_PLAN[role].relay && (modules.get('overrides').relay ?? true);
    return {
      api: relay,
      start: async () => {
        if (relays) relay.start();
      },
      stop: () => relay.stop(),
    };
  },
});
