import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { playersMigrations } from './players.migrations.js';
import type { PlayersService } from './players.service.js';

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    players: PlayersService;
  }
}

/** Players (per tenant): their records and attributes (their campaigns are the campaigns module's routes, their rewards the rewards module's). */
export const playersModule = defineModule<PlayersService>({
  name: 'players',
  migrations: playersMigrations,
  roles: ROLES,
  async create({ database }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { registerPlayerRoutes } = await import('./players.routes.js');
    const { createPlayersService } = await import('./players.service.js');
    const players = createPlayersService(database.db);
    return { api: players, routes: routesPlugin((app) => registerPlayerRoutes(app, players)) };
  },
});
