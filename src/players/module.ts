import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { playersMigrations } from './players.migrations.js';
import { registerPlayerRoutes } from './players.routes.js';
import { createPlayersService, type PlayersService } from './players.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    players: PlayersService;
  }
}

/** Players (per tenant) and their stats; also serves their rewards (/api/v1/rewards). */
export const playersModule = defineModule<PlayersService>({
  name: 'players',
  migrations: playersMigrations,
  roles: ROLES,
  create({ database, modules }) {
    const players = createPlayersService(database.db);
    // The player routes list campaigns too: the campaigns module is created after this one, and is there when routes register.
    return { api: players, routes: routesPlugin((app) => registerPlayerRoutes(app, { database, players, campaigns: modules.get('campaigns') })) };
  },
});
