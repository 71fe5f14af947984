import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { playersMigrations } from './players.migrations.js';
import type { PlayersService } from './players.service.js';

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
  async create({ database, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { registerPlayerRoutes } = await import('./players.routes.js');
    const { createPlayersService } = await import('./players.service.js');
    const players = createPlayersService(database.db);
    // The player routes list campaigns too: the campaigns module is created after this one, and is there when routes register.
    return { api: players, routes: routesPlugin((app) => registerPlayerRoutes(app, { database, players, campaigns: modules.get('campaigns') })) };
  },
});
