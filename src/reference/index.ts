/** Public API of the reference module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createReferenceService, type ReferenceService } from './reference.service.js';
export { createDatabaseQueryCommand } from './command.js';
