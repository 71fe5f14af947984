/** Public API of the players module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createPlayersService, type PlayerRecord, type PlayersService } from './players.service.js';
/** The player's part of the events module's one-statement ingestion (a CTE builder). */
export { ensurePlayerWhen } from './players.repository.js';
