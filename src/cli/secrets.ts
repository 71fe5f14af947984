import { randomBytes } from 'node:crypto';
import { allMigrations } from '../migrations.js';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { secretBoxOf } from '../platform/secrets/keys.js';
import { createTenantsService } from '../tenants/tenants.service.js';

const USAGE =
  'usage: banyan secrets reencrypt\n\n  Re-encrypt every stored secret under BANYAN_SECRET_KEY: plain rows from before encryption and\n  rows under a key listed in BANYAN_SECRET_KEY_PREVIOUS. Run it (or start the service once) before\n  removing a previous key.\n';

/** `banyan secrets reencrypt`: the key-rotation step without starting the service. */
export async function run(argv: string[]): Promise<number> {
  if (argv[0] !== 'reencrypt' || argv.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database, allMigrations);
    const tenants = createTenantsService({
      db: database.db,
      // Tokens are neither issued nor checked here; the service only needs its secret box.
      jwtSecret: randomBytes(32),
      tokenTtlSeconds: 60,
      callbackPolicy: { publicOnly: true, allowedHosts: [] },
      secretBox: secretBoxOf(config),
    });
    const report = await tenants.reencryptSecrets();
    process.stdout.write(
      `re-encrypted ${report.reencrypted}, already current ${report.current}, unreadable ${report.unreadable.length}${report.unreadable.length > 0 ? ` (${report.unreadable.join(', ')})` : ''}\n`,
    );
    return report.unreadable.length > 0 ? 1 : 0;
  } finally {
    await database.close();
  }
}
