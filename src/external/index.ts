/** Public API of the external module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createExternalSystemsService, type ExternalDeps, type ExternalSystemsService, type RegisteredSystem } from './external.service.js';
export { createExternalSystemCommand, type ExternalCommandDeps } from './command.js';
export type { ExternalSystemInput, ExternalSystemView } from './external.schema.js';
