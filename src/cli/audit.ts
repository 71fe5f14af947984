import { createAuditModule } from '../audit/audit.service.js';
import { verifyChain } from '../audit/verify.js';
import { allMigrations } from '../migrations.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { createLogger } from '../platform/logger.js';

const USAGE =
  'usage: banyan audit retention | verify\n  retention  apply the retention periods once (drop/delete expired audit data, create upcoming partitions)\n  verify     recompute the audit trail hash chain\n';

/** `banyan audit retention|verify`: the scheduled audit jobs, run once (e.g. from cron). */
export async function run(argv: string[]): Promise<number> {
  const [action] = argv;
  if (action !== 'retention' && action !== 'verify') {
    process.stderr.write(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`banyan: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const database = openDatabase(config.database, logger);
  try {
    await migrateToLatest(database, allMigrations);
    if (action === 'verify') {
      const report = await verifyChain(database.db, {});
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return report.verified ? 0 : 1;
    }
    const audit = createAuditModule({ database, config: config.audit, logger });
    const report = await audit.retention();
    await audit.close();
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await database.close();
  }
}
