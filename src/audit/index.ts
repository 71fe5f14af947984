/** Public API of the audit module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createAuditModule, type AuditModule } from './audit.service.js';
export { createAuditQueries, type AuditQueries, type AuditQueryDeps } from './queries.service.js';
export type { SystemEvent, EventType, Severity } from './entries.js';
export type { RetentionReport } from './retention.js';
export type { VerifyReport } from './verify.js';
