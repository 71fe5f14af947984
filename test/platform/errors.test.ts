/**
 * Errors (src/platform/errors.ts): transport-neutral, catalogued; the code → HTTP status mapping
 * lives once in platform/http/errors.ts, and an invariant failure answers a catalogued
 * INTERNAL_ERROR in the envelope with the request id, never a bare 500.
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { AppError, ERROR_CATALOGUE, internalError, InvariantError, type ErrorCode } from '../../src/platform/errors.js';
import { HTTP_STATUS, HttpError, httpStatus } from '../../src/platform/http/errors.js';
import { buildHttpServer } from '../../src/platform/http/server.js';
import { createLoginLimiter } from '../../src/platform/http/login-limiter.js';

const silent = pino({ level: 'silent' });

/** Seed 002's table (常見錯誤代碼) and the additions, code by code. */
const EXPECTED: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RESOURCE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DUPLICATE_RESOURCE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUSINESS_RULE_VIOLATION: 422,
  EVALUATION_BUDGET_EXCEEDED: 422,
  TOO_MANY_REQUESTS: 429,
  SYSTEM_ERROR: 500,
  INTERNAL_ERROR: 500,
  EXTERNAL_SYSTEM_ERROR: 500,
  DATABASE_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

async function server(onUnexpectedError?: (error: unknown) => void) {
  const limits = { userAttempts: 5, addressAttempts: 20 };
  return buildHttpServer({
    logger: silent,
    bodyLimitBytes: 1024 * 1024,
    swaggerEnabled: false,
    version: 't',
    auth: { authenticator: { authenticate: async () => null }, limiter: createLoginLimiter({ ...limits, windowMs: 60_000 }) },
    ...(onUnexpectedError ? { onUnexpectedError } : {}),
  });
}

describe('error catalogue and HTTP mapping', () => {
  it('Given every catalogued code, When mapped to HTTP, Then it has exactly its documented status', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) expect(httpStatus(code), code).toBe(EXPECTED[code]);
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it('Given an AppError, When inspected, Then it carries code, text and details but no HTTP status', () => {
    const error = new AppError('DUPLICATE_RESOURCE', { zh: '已存在', en: 'exists' }, { errors: [{ field: 'id', message: 'taken' }] });
    expect(error).toMatchObject({
      code: 'DUPLICATE_RESOURCE',
      text: { zh: '已存在', en: 'exists' },
      errors: [{ field: 'id', message: 'taken' }],
      message: 'exists',
    });
    expect('status' in error).toBe(false);
    expect('headers' in error).toBe(false);
    expect(new AppError('FORBIDDEN').message).toBe(ERROR_CATALOGUE.FORBIDDEN.en);
  });

  it('Given an invariant failure, When built, Then it is a catalogued INTERNAL_ERROR whose message (for logs) names the invariant', () => {
    const error = internalError('head missing');
    expect(error).toBeInstanceOf(InvariantError);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.text).toBeUndefined();
    expect(error.message).toBe('invariant failed: head missing');
  });
});

describe('error responses', () => {
  it('Given a handler whose invariant fails, When called, Then 500 INTERNAL_ERROR in the envelope with the request id, generic text, reported as unexpected', async () => {
    const reported: unknown[] = [];
    const app = await server((error) => reported.push(error));
    app.get('/invariant', { config: { auth: 'public' } }, async () => {
      throw internalError('secret internals vanished');
    });
    const res = await app.inject({ method: 'GET', url: '/invariant', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ success: false, data: null, errorCode: 'INTERNAL_ERROR', message: ERROR_CATALOGUE.INTERNAL_ERROR.en });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(Object.keys(body).sort()).toEqual(['data', 'errorCode', 'message', 'requestId', 'success', 'timestamp']);
    expect(res.body).not.toContain('secret');
    expect(reported).toHaveLength(1);
    const zh = await app.inject({ method: 'GET', url: '/invariant' });
    expect(zh.json()).toMatchObject({ errorCode: 'INTERNAL_ERROR', message: ERROR_CATALOGUE.INTERNAL_ERROR.zh });
    await app.close();
  });

  it('Given a catalogued error, When answered, Then its status comes from the mapping and only HttpError adds headers', async () => {
    const app = await server();
    app.get('/closed', { config: { auth: 'public' } }, async () => {
      throw new AppError('SERVICE_UNAVAILABLE', { zh: '關閉中', en: 'shutting down' });
    });
    app.get('/challenge', { config: { auth: 'public' } }, async () => {
      throw new HttpError('TOO_MANY_REQUESTS', undefined, { headers: { 'Retry-After': '7' } });
    });
    const closed = await app.inject({ method: 'GET', url: '/closed', headers: { 'accept-language': 'en' } });
    expect(closed.statusCode).toBe(503);
    expect(closed.json()).toMatchObject({
      success: false,
      errorCode: 'SERVICE_UNAVAILABLE',
      message: 'shutting down',
      requestId: closed.headers['x-request-id'],
    });
    const limited = await app.inject({ method: 'GET', url: '/challenge', headers: { 'accept-language': 'en' } });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.json()).toMatchObject({ errorCode: 'TOO_MANY_REQUESTS', message: ERROR_CATALOGUE.TOO_MANY_REQUESTS.en });
    await app.close();
  });

  it('Given a Node system error with a five-letter code (EPIPE), When a handler throws it, Then it is SYSTEM_ERROR, not DATABASE_ERROR', async () => {
    const app = await server();
    app.get('/pipe', { config: { auth: 'public' } }, async () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    });
    const res = await app.inject({ method: 'GET', url: '/pipe', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ errorCode: 'SYSTEM_ERROR', message: 'Internal error' });
    await app.close();
  });
});
