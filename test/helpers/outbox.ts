import { allMigrations } from '../../src/migrations.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { InProcessBus, type EventBus } from '../../src/platform/events/bus.js';
import { connectNatsBus } from '../../src/platform/events/nats-bus.js';
import { OutboxRelay, type RelayOptions } from '../../src/platform/outbox/relay.js';
import { createTestDatabase, type TestDatabase } from './app.js';
import { natsEnv, requireNats, USE_NATS } from './nats.js';

export const quietLogger = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** A migrated database without the rest of the app, for testing platform parts directly. */
export async function openTestDatabase(): Promise<{ testDb: TestDatabase; database: Database; url: string | undefined; close(): Promise<void> }> {
  const testDb = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', ...testDb.env });
  const database = openDatabase(config.database);
  await migrateToLatest(database, allMigrations);
  return {
    testDb,
    database,
    url: testDb.env['DATABASE_URL'],
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
}

/** The suite's bus: JetStream on its own stream when NATS is in use, in-process otherwise. */
export async function openTestBus(env: Record<string, string> = natsEnv()): Promise<{ bus: EventBus; env: Record<string, string> }> {
  if (!USE_NATS || !env['NATS_URL']) return { bus: new InProcessBus(), env };
  await requireNats(env['NATS_URL']);
  const bus = await connectNatsBus({ url: env['NATS_URL'], stream: env['NATS_STREAM'] ?? 'BANYAN', subjectPrefix: env['NATS_SUBJECT_PREFIX'] ?? '' });
  return { bus, env };
}

/** A relay as the app builds it (LISTEN on PostgreSQL), with test timings. */
export function testRelay(database: Database, bus: EventBus, options: Partial<RelayOptions> & { url?: string | undefined } = {}): OutboxRelay {
  const { url, ...rest } = options;
  return new OutboxRelay({
    db: database.db,
    dialect: database.dialect,
    bus,
    logger: quietLogger,
    pollMs: 50,
    batchSize: 100,
    retryMaxMs: 200,
    retentionHours: 1,
    ...(url ? { listenUrl: url } : {}),
    ...rest,
  });
}
