/** Public API of the health module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { localDataPath, registerHealthRoutes, type HealthDeps } from './health.routes.js';
export { registerMetricsRoutes, type MetricsDeps } from './metrics.routes.js';
