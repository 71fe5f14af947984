import { AppError, type AppErrorOptions, type ErrorCode, type LocalText } from '../errors.js';

/**
 * What each catalogued code means in HTTP: the one mapping from code to status (seed 002's table
 * for its codes). Every error response is built from it, in one place (server.ts `sendError`).
 * A new code fails the typecheck until it has a status here.
 */
export const HTTP_STATUS: { readonly [C in ErrorCode]: number } = {
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

export const httpStatus = (code: ErrorCode): number => HTTP_STATUS[code];

/**
 * An error raised by the HTTP layer itself that must carry response headers (WWW-Authenticate
 * challenges, Retry-After). Modules never need it: they throw `AppError` from platform/errors.ts.
 */
export class HttpError extends AppError {
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, text?: LocalText | string, options: AppErrorOptions & { headers?: Record<string, string> } = {}) {
    super(code, text, options);
    this.headers = options.headers ?? {};
  }
}

// For the HTTP layer's own files; modules import these from platform/errors.ts.
export { AppError, ERROR_CATALOGUE, InvariantError, internalError, notFound, type ErrorCode, type FieldError, type LocalText } from '../errors.js';
