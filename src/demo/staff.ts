import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { StartupError } from '../platform/startup-error.js';
import { passwordProblem, type UsersService } from '../users/index.js';
import { seedDemoUsers } from './seed.js';

/**
 * Outside production the document's demo users exist (admin/admin123 …). In production the admin
 * comes from BANYAN_ADMIN_USER / BANYAN_ADMIN_PASSWORD and any user still on a published demo
 * password stops the start.
 */
export async function ensureUsers(config: Config, users: UsersService, logger: Logger): Promise<void> {
  if (config.env === 'production' && config.admin.password) {
    // Checked before it is stored: a weak admin password never reaches the database.
    const problem = passwordProblem(config.admin.user, config.admin.password);
    if (problem)
      throw new StartupError(
        `refusing to start in production: BANYAN_ADMIN_PASSWORD for user ${config.admin.user} is refused (${problem.rule}: ${problem.message})`,
      );
  }
  if (config.admin.password) {
    await users.upsert(config.admin.user, config.admin.password, ['ADMIN', 'MANAGER', 'AUDITOR']);
  }
  if (config.env !== 'production') {
    await seedDemoUsers(users);
    return;
  }
  const offenders = await users.demoPasswordUsers();
  if (offenders.length > 0) {
    throw new StartupError(
      `refusing to start in production: users ${offenders.join(', ')} still have a published demo password (PASSWORD_PUBLISHED); change or disable them`,
    );
  }
  logger.info({ admin: config.admin.user }, 'production mode: demo users disabled');
}
