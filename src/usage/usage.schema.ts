import { Type } from 'typebox';
import { StrictQuery } from '../platform/http/filters.js';
import { IsoDate } from '../platform/http/schemas.js';
import { MAX_RANGE_DAYS, MAX_ROWS } from './usage.service.js';

const GranularitySchema = Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], {
  default: 'hour',
  description: `Bucket size, UTC (default hour). Longest range: ${Object.entries(MAX_RANGE_DAYS)
    .map(([g, d]) => `${g} ${d} days`)
    .join(', ')}`,
});

const usageQuery = {
  from: IsoDate('Start, inclusive: 2026-12-01 (00:00 UTC) or 2026-12-01T10:00:00Z; UTC when no zone is given'),
  to: IsoDate('End, exclusive, after from: 2026-12-02 or 2026-12-01T18:00:00Z'),
  granularity: GranularitySchema,
  groupBy: Type.Union([Type.Literal('route'), Type.Literal('key')], { default: 'route', description: 'route: per route pattern and method; key: per API key' }),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], {
    default: 'json',
    description: 'csv: a CSV attachment (UTF-8 with BOM) instead of the JSON envelope',
  }),
};

/** `GET /api/v1/usage`: the tenant's own usage. */
export const UsageQuerySchema = StrictQuery(usageQuery);

/** `GET /api/v1/admin/usage`: staff; one tenant's usage, or every tenant's without `tenantId`. */
export const AdminUsageQuerySchema = StrictQuery({
  ...usageQuery,
  tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'One tenant; every tenant when absent (rows then carry tenantId)' })),
});

export const UsageRowSchema = Type.Object({
  bucket: Type.String({ description: 'Bucket start, ISO 8601 UTC' }),
  tenantId: Type.Optional(Type.String({ description: 'Staff view of every tenant only' })),
  route: Type.Optional(Type.String({ description: 'groupBy=route: the route pattern, e.g. /api/v1/events/:eventId' })),
  method: Type.Optional(Type.String({ description: 'groupBy=route' })),
  keyId: Type.Optional(Type.String({ description: 'groupBy=key: the API key id (a bearer token counts for the key it was issued to)' })),
  status: Type.Integer({ description: 'HTTP status answered' }),
  count: Type.Integer({ description: 'Requests' }),
});

export const UsageReportSchema = Type.Object({
  tenantId: Type.Union([Type.String(), Type.Null()]),
  from: Type.String(),
  to: Type.String(),
  granularity: Type.String(),
  groupBy: Type.String(),
  rows: Type.Array(UsageRowSchema),
  truncated: Type.Boolean({ description: `More than ${MAX_ROWS} rows matched; the first ${MAX_ROWS} (by bucket) are returned` }),
});
