import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { usersMigrations } from './users.migrations.js';
import type { UsersService } from './users.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    users: UsersService;
  }
}

/** Staff users (Basic auth). The configured admin and the document's demo users are ensured by the demo accounts boot step (src/demo/module.ts). */
export const usersModule = defineModule<UsersService>({
  name: 'users',
  migrations: usersMigrations,
  roles: ROLES,
  async create({ database }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { registerUserRoutes } = await import('./users.routes.js');
    const { createUsersService } = await import('./users.service.js');
    const users = createUsersService(database.db);
    return { api: users, routes: routesPlugin((app) => registerUserRoutes(app, users)) };
  },
});
