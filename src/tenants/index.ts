/** Public API of the tenants module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createTenantsService, formatApiKey, type ReencryptReport, type TenantsDeps, type TenantsService } from './tenants.service.js';
export { reencryptStoredSecrets } from './secrets-startup.js';
