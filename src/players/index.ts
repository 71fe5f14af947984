/** Public API of the players module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createPlayersService, type PlayerRecord, type PlayersService } from './players.service.js';
