/**
 * The OpenAPI document (`/api-docs`, Swagger UI): metadata, and the conventions every operation
 * gets from its route declaration so that no route can ship undocumented:
 *
 * - `operationId`: derived from method and path (`GET /api/v1/management/decision-trees/:treeId`
 *   → `getManagementDecisionTreesByTreeId`): unique, camelCase, and stable as long as the path is.
 *   A route may set its own `schema.operationId`.
 * - `security`: derived from `config.auth` (public → none, staff → HTTP Basic, tenant → API key or
 *   bearer token), unless the route declares it.
 * - `tags`: the bilingual names below (a route names its tag by the Chinese part).
 *
 * The document lints clean with Redocly's recommended rules (test/openapi/lint.test.ts).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { RouteAuth } from './auth.js';

/** Chinese tag (as routes name it) → the document's tag, English first. */
export const TAGS: Readonly<Record<string, { readonly name: string; readonly description: string }>> = {
  優惠評估: { name: 'Promotions 優惠評估', description: 'Promotion evaluation, history and available offers. 優惠評估、歷史記錄與可用優惠' },
  決策樹管理: { name: 'Decision trees 決策樹管理', description: 'Decision-tree management (versions, soft delete). 決策樹管理 (版本、軟刪除)' },
  優惠規則管理: {
    name: 'Promotion rules 優惠規則管理',
    description: 'Promotion-rule management (SpEL, Drools, built-in). 優惠規則管理 (SpEL、Drools、內建規則)',
  },
  外部系統管理: {
    name: 'External systems 外部系統管理',
    description: 'External systems (credit bureau, AML …) for EXTERNAL_SYSTEM nodes. 外部系統 (聯徵、洗錢防制 …)',
  },
  參考資料管理: {
    name: 'Reference data 參考資料管理',
    description: 'Reference data (blacklist, product holdings, CSV datasets) and named queries for DATABASE_QUERY nodes. 參考資料與具名查詢',
  },
  稽核追蹤: { name: 'Audit 稽核追蹤', description: 'Audit trail, decision steps, external calls, replay and compliance reports. 稽核軌跡與合規報告' },
  使用者: { name: 'Users 使用者', description: 'Staff users: own password. 行員帳號 (變更密碼)' },
  系統監控: { name: 'Monitoring 系統監控', description: 'Health (Spring Boot Actuator shape). 系統健康檢查' },
  租戶管理: { name: 'Tenants 租戶管理', description: 'Tenant administration: tenants, API keys, callbacks. 租戶、API 金鑰與回呼設定' },
  租戶認證: { name: 'Tenant auth 租戶認證', description: 'Bearer tokens for tenant clients. 租戶權杖' },
  租戶設定: { name: 'Tenant settings 租戶設定', description: 'A tenant’s own settings (callback URL and secret). 租戶自身設定 (回呼網址與密鑰)' },
  玩家: { name: 'Players 玩家', description: 'Players and their attributes. 玩家與屬性' },
  獎勵: { name: 'Rewards 獎勵', description: 'Rewards granted by campaigns and their payouts. 活動獎勵與發放' },
  活動管理: { name: 'Campaigns 活動管理', description: 'Campaigns: rules, formula, limits, schedule, lifecycle. 活動規則、公式、限額與排程' },
  活動模板: { name: 'Campaign templates 活動模板', description: 'Campaign templates and their parameters. 活動模板與參數' },
  行為事件: { name: 'Events 行為事件', description: 'Behaviour events that trigger campaigns. 觸發活動的行為事件' },
  用量統計: {
    name: 'Usage 用量統計',
    description: 'API usage per tenant, key, route and status, in minute, hour or day buckets (JSON or CSV). 租戶 API 用量統計',
  },
};

const tagName = (tag: string): string => TAGS[tag]?.name ?? tag;

const isTenantRule = (rule: RouteAuth): rule is Extract<RouteAuth, { tenant: readonly string[] }> => typeof rule === 'object' && 'tenant' in rule;

/** The OpenAPI security requirement of a route's auth rule. */
export function securityFor(rule: RouteAuth): Record<string, string[]>[] {
  if (rule === 'public') return [];
  if (isTenantRule(rule)) return rule.apiKeyOnly ? [{ apiKey: [] }] : [{ apiKey: [] }, { bearerAuth: [] }];
  return [{ basicAuth: [] }];
}

const camel = (word: string): string => (word === '' ? '' : word[0]?.toUpperCase() + word.slice(1));

/** `GET /api/v1/management/decision-trees/:treeId` → `getManagementDecisionTreesByTreeId`. */
export function operationIdFor(method: string, url: string): string {
  const segments = url
    .replace(/^\/api\/v\d+\//, '/')
    .split('/')
    .filter((s) => s !== '');
  const words = segments.map((segment) => {
    const param = /^:(.+)$/.exec(segment);
    const parts = (param ? (param[1] ?? '') : segment).split(/[^A-Za-z0-9]+/).filter((p) => p !== '');
    const joined = parts.map(camel).join('');
    return param ? `By${joined}` : joined;
  });
  return method.toLowerCase() + words.join('');
}

type RouteSchema = {
  hide?: boolean;
  operationId?: string;
  security?: unknown;
  tags?: string[];
  querystring?: unknown;
  body?: unknown;
};

/**
 * An object schema as the document shows it: a property with a `default` is not `required` (the
 * server fills it in — useDefaults — so a client may omit it). Validation keeps the route's own
 * schema, so handlers still see the property as present.
 */
function withDefaultsOptional(schema: unknown): unknown {
  const object = schema as { type?: unknown; required?: unknown; properties?: Record<string, { default?: unknown }> } | undefined;
  if (!object || object.type !== 'object' || !Array.isArray(object.required) || !object.properties) return schema;
  const properties = object.properties;
  const required = (object.required as string[]).filter((name) => properties[name]?.default === undefined);
  if (required.length === object.required.length) return schema;
  const copy: Record<string, unknown> = { ...object, required };
  if (required.length === 0) delete copy.required;
  return copy;
}

/** The documented form of a route's schema (see the file comment); the route's own is untouched. */
export function documentedSchema(route: Pick<RouteOptions, 'method' | 'url' | 'config'>, schema: RouteSchema): RouteSchema {
  if (schema.hide) return schema;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  // HEAD routes are Fastify's automatic twins of GET ones and are not documented.
  const method = methods.find((m) => m !== 'HEAD') ?? methods[0] ?? 'GET';
  const out: RouteSchema = {
    ...schema,
    operationId: schema.operationId ?? operationIdFor(method, route.url),
    security: schema.security ?? securityFor(route.config?.auth ?? 'public'),
  };
  if (schema.tags) out.tags = schema.tags.map(tagName);
  if (schema.querystring !== undefined) out.querystring = withDefaultsOptional(schema.querystring);
  if (schema.body !== undefined) out.body = withDefaultsOptional(schema.body);
  return out;
}

export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    transform: ({ schema, url, route }) => ({ schema: documentedSchema(route, (schema ?? {}) as RouteSchema) as typeof schema, url }),
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Banyan — 銀行客戶優惠推薦系統 API',
        description:
          'Decision-tree promotion evaluation (SpEL, JSONLogic, Drools), management and audit APIs, and the multi-tenant ' +
          'campaign platform. 決策樹優惠評估 (SpEL、JSONLogic、Drools)、管理與稽核 API，以及多租戶活動平台。\n\n' +
          'Every bank response uses the envelope `{success, data, message, errorCode, timestamp, requestId}`; ' +
          'the request id (always issued by the server) is also returned in the `X-Request-Id` header; a client id sent as ' +
          '`X-Correlation-Id` (or `X-Request-Id`) is stored as the correlation id and echoed in `X-Correlation-Id`. ' +
          '所有回應皆使用統一信封格式。\n\n' +
          'Lists page as Spring Data does (`page`, `size` up to 2000, `sort=field,asc|desc`). 分頁與 Spring Data 相同。\n\n' +
          'Use **Authorize** with HTTP Basic (demo users admin/admin123, manager/manager123, auditor/auditor123 outside ' +
          'production), or a tenant API key / bearer token for the campaign platform. 使用 Authorize 登入。',
        version,
        // Deployments add their own support address; the project ships no invented one.
        contact: { name: 'Banyan maintainers' },
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      },
      servers: [{ url: '/', description: 'This server 本伺服器' }],
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic', description: 'Staff users (ADMIN, MANAGER, AUDITOR) 行員帳號' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Tenant API key bnk_live_<id>_<secret> 租戶 API 金鑰' },
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /api/v1/auth/token 租戶權杖' },
        },
      },
      tags: Object.values(TAGS).map((t) => ({ name: t.name, description: t.description })),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/swagger-ui', uiConfig: { persistAuthorization: true, docExpansion: 'list' } });
  app.get('/api-docs', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/swagger-ui.html', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/swagger-ui/index.html'));
  // Springdoc's URL; the plugin serves the page at its prefix.
  app.get('/swagger-ui/index.html', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/swagger-ui/'));
}
