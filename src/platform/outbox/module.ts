import { ROLE_PLAN } from '../../roles.js';
import { defineModule, ROLES } from '../modules/contract.js';
import { outboxMigrations } from './outbox.migrations.js';
import { OutboxRelay } from './relay.js';

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
  create({ config, database, bus, logger, role, modules }) {
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
