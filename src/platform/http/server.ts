import { newId } from '../db/sql.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOGUE, type ErrorCode, type FieldError, type LocalText } from './errors.js';
import { failure, success } from './envelope.js';
import { describeSchemaIssue, negotiateLocale, pick, type Locale } from './i18n.js';
import { registerAuth, type AuthOptions } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpOptions {
  readonly logger: FastifyBaseLogger;
  readonly bodyLimitBytes: number;
  /**
   * How much of a refused body (too large, unsupported type, malformed) is read and discarded
   * before the error is answered (default 16 MB). Clients that write the whole body before reading
   * (undici/fetch, Java's HttpClient) otherwise see the connection reset instead of the 413.
   */
  readonly bodyDrainLimitBytes?: number;
  readonly swaggerEnabled: boolean;
  readonly auth: AuthOptions;
  readonly version: string;
  /** Told about every unexpected (500) error, e.g. to record an ERROR system event. */
  readonly onUnexpectedError?: (error: unknown, request: FastifyRequest) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,36}$/;

/** Build the HTTP app without listening (only `serve` listens; tests use `inject`). */
export async function buildHttpServer(options: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    // A client-supplied X-Request-Id is kept when it is sane (so callers can correlate), else ours.
    requestIdHeader: 'x-request-id',
    genReqId: () => newId(),
    // Per-request access logs come from the audit trail (request_logs), not from stdout.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false } },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // A JSON API: anything but JSON (and the formats a module registers itself, e.g. CSV imports) is 415.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('locale', 'zh-TW');
  app.addHook('onRequest', async (request, reply) => {
    if (!REQUEST_ID.test(request.id)) (request as { id: string }).id = newId();
    request.locale = negotiateLocale(request.headers['accept-language']);
    reply.header('X-Request-Id', request.id);
  });

  // JSON, but an empty body is no body (DELETE, POST /auth/token … sent with the header by habit):
  // a route that needs one still refuses it through its schema, naming the body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });

  const drainLimit = options.bodyDrainLimitBytes ?? DEFAULT_DRAIN_LIMIT_BYTES;
  app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
    // An error answered before the body was read (too large, 415 …): read the rest first, so the
    // client that is still writing it gets the answer and not a reset connection.
    // (Fastify already answers body errors with Connection: close; a body left unread must close too.)
    if (!bodyReceived(request.raw) && !(await drainRequest(request.raw, drainLimit))) reply.header('connection', 'close');
    return sendError(error, request, reply, options.onUnexpectedError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(new AppError('RESOURCE_NOT_FOUND', { zh: `找不到路徑 ${request.method} ${request.url}`, en: `No route ${request.method} ${request.url}` }), request, reply),
  );

  if (options.swaggerEnabled) await registerDocs(app, options.version);
  registerAuth(app, options.auth);
  return app;
}

const DEFAULT_DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
/** A client trickling a refused body does not hold the connection open for long. */
const DRAIN_TIMEOUT_MS = 10_000;

/** The whole body has arrived (`complete`) or been read (`readableEnded`; injected requests have only this). */
function bodyReceived(raw: IncomingMessage): boolean {
  return raw.complete || raw.readableEnded;
}

/**
 * Read and discard what is left of a request body, up to `maxBytes` (declared or received) or
 * DRAIN_TIMEOUT_MS; true when the whole body was read. Past either bound the body is left unread and the connection closes after the
 * answer (the client may then see a reset: the price of not reading unbounded input).
 */
export function drainRequest(raw: IncomingMessage, maxBytes: number): Promise<boolean> {
  if (bodyReceived(raw)) return Promise.resolve(true);
  const declared = Number(raw.headers['content-length']);
  if (raw.destroyed || (Number.isFinite(declared) && declared > maxBytes)) return Promise.resolve(false);
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('error', finish);
      raw.off('close', finish);
      // Past the bound: stop reading (TCP back-pressure) until the answer closes the socket.
      const whole = bodyReceived(raw);
      if (!whole) raw.pause();
      resolve(whole);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) finish();
    };
    const timer = setTimeout(finish, DRAIN_TIMEOUT_MS);
    timer.unref();
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('error', finish);
    raw.once('close', finish);
    raw.resume();
  });
}

/** The single place where an error becomes a response. */
function sendError(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply, onUnexpected?: HttpOptions['onUnexpectedError']): FastifyReply {
  const locale = request.locale;
  let appError: AppError;
  if (error instanceof AppError) {
    appError = error;
  } else if ((error as FastifyError).validation) {
    appError = validationError(error as FastifyError, locale);
  } else {
    const transport = transportError(error as FastifyError);
    if (transport) appError = transport;
    else {
      appError = unexpected(error, request);
      onUnexpected?.(error, request);
    }
  }
  const message = pick(appError.text ?? catalogueText(appError.code), locale);
  for (const [name, value] of Object.entries(appError.headers)) reply.header(name, value);
  return reply.status(appError.status).send(failure(appError.code, message, request.id, appError.errors));
}

function catalogueText(code: ErrorCode): LocalText {
  return { zh: ERROR_CATALOGUE[code].zh, en: ERROR_CATALOGUE[code].en };
}

function validationError(error: FastifyError, locale: Locale): AppError {
  const context = error.validationContext ?? 'body';
  const errors: FieldError[] = (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
    const missing = (issue.params as { missingProperty?: string }).missingProperty;
    const field = [path, missing].filter(Boolean).join('.') || context;
    return { field, message: describeSchemaIssue(field, issue as { keyword: string; params: Record<string, unknown> }, locale) };
  });
  // anyOf/union failures repeat per branch; one sentence per field is enough.
  const unique = errors.filter((e, i) => errors.findIndex((o) => o.field === e.field && o.message === e.message) === i);
  const detail = unique.map((e) => e.message).join('; ');
  return new AppError('INVALID_REQUEST', { zh: `請求資料驗證失敗: ${detail}`, en: `Request validation failed: ${detail}` }, { errors: unique });
}

function transportError(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { zh: '不支援的內容類型，請使用 application/json', en: 'Unsupported content type; use application/json' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_REQUEST', { zh: '請求內容不能為空', en: 'Request body must not be empty' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('INVALID_REQUEST', { zh: 'JSON 格式錯誤', en: 'Malformed JSON' });
    default:
      break;
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new AppError('INVALID_REQUEST', { zh: `JSON 格式錯誤: ${error.message}`, en: `Malformed JSON: ${error.message}` });
  }
  if (error.statusCode === 405) return new AppError('METHOD_NOT_ALLOWED');
  if (error.statusCode === 429) return new AppError('TOO_MANY_REQUESTS');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('INVALID_REQUEST', error.message);
  }
  return undefined;
}

function unexpected(error: unknown, request: FastifyRequest): AppError {
  request.log.error({ err: error }, 'unhandled error');
  const code = (error as { code?: unknown }).code;
  const isDb = typeof code === 'string' && (/^SQLITE_/.test(code) || /^[0-9A-Z]{5}$/.test(code) || code === 'ECONNREFUSED');
  return new AppError(isDb ? 'DATABASE_ERROR' : 'SYSTEM_ERROR');
}

/** Reply helper: the document's success envelope with a localised message. */
export function ok<T>(request: FastifyRequest, data: T, message: LocalText, now?: Date) {
  return success(data, pick(message, request.locale), request.id, now);
}

async function registerDocs(app: App, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Banyan — 銀行客戶優惠推薦系統 API',
        description:
          'Decision-tree promotion evaluation (SpEL, JSONLogic, Drools), management and audit APIs. ' +
          'Every response uses the envelope `{success, data, message, errorCode, timestamp, requestId}`; ' +
          'the request id is also returned in the `X-Request-Id` header. Use **Authorize** with HTTP Basic ' +
          '(demo users admin/admin123, manager/manager123, auditor/auditor123 outside production).',
        version,
      },
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Tenant API key bnk_live_<id>_<secret>' },
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /api/v1/auth/token' },
        },
      },
      tags: [
        { name: '優惠評估', description: 'Promotion evaluation' },
        { name: '決策樹管理', description: 'Decision-tree management' },
        { name: '優惠規則管理', description: 'Promotion-rule management' },
        { name: '外部系統管理', description: 'External systems (credit bureau, AML …) for EXTERNAL_SYSTEM nodes' },
        { name: '參考資料管理', description: 'Reference data (blacklist, product holdings, CSV datasets) and named queries for DATABASE_QUERY nodes' },
        { name: '稽核追蹤', description: 'Audit trail' },
        { name: '系統監控', description: 'Health' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/swagger-ui', uiConfig: { persistAuthorization: true, docExpansion: 'list' } });
  app.get('/api-docs', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/swagger-ui.html', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/swagger-ui/index.html'),
  );
  // Springdoc's URL; the plugin serves the page at its prefix.
  app.get('/swagger-ui/index.html', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/swagger-ui/'),
  );
}
