/** Public API of the events module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createEventsService, ingestEvents, type EventFilter, type EventsService, type EventView, type IngestDeps } from './events.service.js';
export type { BehaviourEvent, EventResult, IngestResult } from './events.schema.js';
