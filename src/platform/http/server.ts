import { newId } from '../db/sql.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOGUE, InvariantError, type ErrorCode, type LocalText } from '../errors.js';
import { isDatabaseError } from '../db/errors.js';
import { HttpError, httpStatus } from './errors.js';
import { failure, success } from './envelope.js';
import { isPlatformRoute, pick, preferredLocale, type Locale } from './i18n.js';
import { fieldErrors, type SchemaIssue } from './validation.js';
import { registerAuth, type AuthOptions } from './auth.js';
import { registerDocs } from './openapi.js';
import { registerPaging } from '../paging.js';
import { checkRequestText, createValidatorCompiler } from './request-text.js';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    /** True when Accept-Language chose the locale (a tenant's default locale then does not apply). */
    localeRequested: boolean;
    /** The client's own id for this call (X-Correlation-Id, or its X-Request-Id), if sane; null otherwise. Never the request id. */
    correlationId: string | null;
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

/** What a client may send as its correlation id: printable, header- and log-safe, bounded. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's correlation id: X-Correlation-Id, else the X-Request-Id it sent (older clients), if sane. */
function correlationIdOf(headers: import('node:http').IncomingHttpHeaders): string | null {
  for (const name of ['x-correlation-id', 'x-request-id']) {
    const value = headers[name];
    if (typeof value === 'string' && CORRELATION_ID.test(value)) return value;
  }
  return null;
}

/** Build the HTTP app without listening (only `serve` listens; tests use `inject`). */
export async function buildHttpServer(options: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    // The request id is always ours: a client-chosen one collided (two evaluations sharing one id
    // mixed their audit rows). What the client sends is kept apart as its correlation id.
    requestIdHeader: false,
    genReqId: () => newId(),
    // Per-request access logs come from the audit trail (request_logs), not from stdout.
    logController: new LogController({ disableRequestLogging: true }),
    // Schema compilers: see validation.ts (bodies are strictly typed, the URL is coerced).
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(createValidatorCompiler());

  // A JSON API: anything but JSON (and the formats a module registers itself, e.g. CSV imports) is 415.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('locale', 'zh-TW');
  app.decorateRequest('localeRequested', false);
  app.decorateRequest('correlationId', null);
  app.addHook('onRequest', async (request, reply) => {
    // Accept-Language first; else zh-TW on the bank API and English on the campaign platform
    // (where the auth hook then applies the tenant's default locale).
    const requested = preferredLocale(request.headers['accept-language']);
    request.localeRequested = requested !== undefined;
    request.locale = requested ?? (isPlatformRoute(request.url, request.routeOptions.config?.auth) ? 'en' : 'zh-TW');
    request.correlationId = correlationIdOf(request.headers);
    reply.header('X-Request-Id', request.id);
    if (request.correlationId !== null) reply.header('X-Correlation-Id', request.correlationId);
  });

  // One check for every route, schema or not: NUL and lone surrogates never reach a database.
  app.addHook('preValidation', async (request) => {
    const bad = checkRequestText(request);
    if (bad) throw bad;
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
    sendError(
      new AppError('RESOURCE_NOT_FOUND', { zh: `找不到路徑 ${request.method} ${request.url}`, en: `No route ${request.method} ${request.url}` }),
      request,
      reply,
    ),
  );

  if (options.swaggerEnabled) await registerDocs(app, options.version);
  await registerAuth(app, options.auth);
  registerPaging(app);
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
function sendError(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
  onUnexpected?: HttpOptions['onUnexpectedError'],
): FastifyReply {
  const locale = request.locale;
  let appError: AppError;
  if (error instanceof InvariantError) {
    // One of our own invariants failed: a bug, logged and reported like any unexpected error.
    appError = error;
    request.log.error({ err: error }, 'invariant failed');
    onUnexpected?.(error, request);
  } else if (error instanceof AppError) {
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
  if (appError instanceof HttpError) for (const [name, value] of Object.entries(appError.headers)) reply.header(name, value);
  return reply.status(httpStatus(appError.code)).send(failure(appError.code, message, request.id, appError.errors));
}

function catalogueText(code: ErrorCode): LocalText {
  return { zh: ERROR_CATALOGUE[code].zh, en: ERROR_CATALOGUE[code].en };
}

function validationError(error: FastifyError, locale: Locale): AppError {
  const context = error.validationContext ?? 'body';
  const unique = fieldErrors((error.validation ?? []) as SchemaIssue[], locale, { context });
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
  // A refused connection is the database's too: it is the one peer a request reaches without
  // handling failures itself (external systems and the wallet answer with results, not throws).
  const isDb = isDatabaseError(error) || (error as { code?: unknown }).code === 'ECONNREFUSED';
  return new AppError(isDb ? 'DATABASE_ERROR' : 'SYSTEM_ERROR');
}

/** Reply helper: the document's success envelope with a localised message. */
export function ok<T>(request: FastifyRequest, data: T, message: LocalText, now?: Date) {
  return success(data, pick(message, request.locale), request.id, now);
}
