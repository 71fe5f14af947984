/** Public API of the triggers module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createDeadLetterSink, type DeadLetters, type DeadLetterSink } from './dead-letters.js';
export { startTriggerConsumer, TRIGGER_TOPIC, type IngestBehaviour, type IngestReport } from './trigger.consumer.js';
