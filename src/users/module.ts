import { ensureUsers } from '../demo/staff.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { usersMigrations } from './users.migrations.js';
import { registerUserRoutes } from './users.routes.js';
import { createUsersService, type UsersService } from './users.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    users: UsersService;
  }
}

/** Staff users (Basic auth): the configured admin, and the document's demo users outside production. */
export const usersModule = defineModule<UsersService>({
  name: 'users',
  migrations: usersMigrations,
  roles: ROLES,
  async create({ config, database, logger }) {
    const users = createUsersService(database.db);
    await ensureUsers(config, users, logger);
    return { api: users, routes: routesPlugin((app) => registerUserRoutes(app, users)) };
  },
});
