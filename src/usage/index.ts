/** The usage module's public API: what other modules (quotas, billing statements) may import. */
export { usageModule } from './module.js';
export {
  MAX_RANGE_DAYS,
  MAX_ROWS,
  type FlushReport,
  type Granularity,
  type UsageGroupBy,
  type UsageQuery,
  type UsageReport,
  type UsageRow,
  type UsageService,
} from './usage.service.js';
