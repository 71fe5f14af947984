import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { csvLine } from '../platform/csv.js';
import { tenantOf } from '../platform/http/auth.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok } from '../platform/http/server.js';
import { AdminUsageQuerySchema, UsageQuerySchema, UsageReportSchema } from './usage.schema.js';
import type { UsageReport, UsageService } from './usage.service.js';

const TAG = ['用量統計'];
const DESCRIPTION =
  'Requests answered to tenant credentials (API key or bearer token), counted per minute by route pattern, method, status and API key, and summed into the requested buckets (UTC). ' +
  'Counts are kept in memory and stored every USAGE_FLUSH_MS (default 5 s), so the last few seconds may not be included yet. ' +
  '`format=csv` answers a CSV attachment instead of the JSON envelope. 租戶 API 用量 (每分鐘計數，依路由、方法、狀態與金鑰彙總)。';

const responses = {
  200: {
    description: 'Usage rows: JSON envelope (format=json) or a CSV attachment (format=csv) 用量統計',
    content: {
      'application/json': { schema: EnvelopeOf(UsageReportSchema) },
      'text/csv': {
        schema: Type.Unsafe<string>({ type: 'string', description: 'UTF-8 CSV with a BOM: bucket, [tenantId,] route, method | keyId, status, count' }),
      },
    },
  },
  ...errorResponses(400, 401, 403),
};

/** The CSV columns of a report, in order. */
function columns(report: UsageReport): (keyof UsageReport['rows'][number])[] {
  return [
    ...(report.tenantId === null ? (['tenantId'] as const) : []),
    'bucket',
    ...(report.groupBy === 'route' ? (['route', 'method'] as const) : (['keyId'] as const)),
    'status',
    'count',
  ];
}

function answer(request: FastifyRequest, reply: FastifyReply, report: UsageReport, format: 'json' | 'csv') {
  if (format === 'json') return ok(request, report, { zh: `共 ${report.rows.length} 筆`, en: `${report.rows.length} rows` });
  const cols = columns(report);
  const body = `\uFEFF${csvLine(cols)}${report.rows.map((row) => csvLine(cols.map((c) => row[c]))).join('')}`;
  const name = `usage-${report.tenantId ?? 'all'}-${report.from.slice(0, 10)}-${report.granularity}`;
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);
}

/**
 * The usage module's HTTP part: the metering hook (every response to a tenant credential counted
 * in memory, by route pattern) and the usage routes. Wrapped in fastify-plugin so the hook sees
 * every route of the app, not only this plugin's; closing the app flushes what is still counted.
 */
export function usageRoutes(usage: UsageService): FastifyPluginAsync {
  return fp(
    async (fastify) => {
      const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

      // Synchronous and in memory: no I/O on the request path. `request.tenant` is set by the auth
      // hook once a tenant credential is accepted, so refused credentials (401) are not counted.
      app.addHook('onResponse', (request, reply, done) => {
        const tenant = request.tenant;
        if (tenant) usage.record(tenant.tenantId, tenant.keyId, request.routeOptions.url ?? '(unmatched)', request.method, reply.statusCode);
        done();
      });
      app.addHook('onClose', async () => {
        await usage.flush();
      });

      app.get(
        '/api/v1/usage',
        {
          config: { auth: { tenant: ['usage:read'] } },
          schema: {
            tags: TAG,
            summary: 'API usage of the calling tenant, per bucket and route or key',
            description: DESCRIPTION,
            querystring: UsageQuerySchema,
            response: responses,
          },
        },
        async (request, reply) => {
          const { format, ...query } = request.query;
          return answer(request, reply, await usage.query(tenantOf(request).tenantId, query), format);
        },
      );

      app.get(
        '/api/v1/admin/usage',
        {
          config: { auth: ['ADMIN'] },
          schema: {
            tags: TAG,
            summary: 'API usage of one tenant (tenantId) or of every tenant (staff, ADMIN)',
            description: DESCRIPTION,
            querystring: AdminUsageQuerySchema,
            response: responses,
          },
        },
        async (request, reply) => {
          const { format, tenantId, ...query } = request.query;
          return answer(request, reply, await usage.query(tenantId, query), format);
        },
      );
    },
    { name: 'banyan-usage', fastify: '5.x' },
  );
}
