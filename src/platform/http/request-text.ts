/**
 * Request validation shared by every route: the schema compilers (strict types for bodies, scalar
 * coercion for the URL) and the text guard (no NUL, no lone surrogates, anywhere in the input).
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { describeIllFormed, findIllFormedText, type IllFormedText } from '../text.js';
import { AppError, type FieldError } from './errors.js';

const COMMON: Options = { allErrors: true, useDefaults: true, removeAdditional: false, addUsedSchema: false, strict: false };

/**
 * Bodies are JSON: a value has the type it was sent with, so `customerId: ["x"]` or `amount: [5]`
 * is refused instead of being unwrapped (Ajv's `coerceTypes: 'array'`). Query strings and path
 * parameters are text by nature: `?page=2` must still become the integer 2 and `?status=A` a
 * one-element array, so they keep coercion — in a separate Ajv instance.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = addFormats.default(new Ajv({ ...COMMON, coerceTypes: false }));
  const url = addFormats.default(new Ajv({ ...COMMON, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : url).compile(schema as object);
}

/** The 400 for ill-formed text in one part of the request (`body`, `querystring`, `params`). */
export function illFormedTextError(part: string, found: IllFormedText): AppError {
  const field = found.path || part;
  const errors: FieldError[] = [
    { field, code: 'INVALID_TEXT', message: `${describeIllFormed({ ...found, path: field })}; text must be well-formed Unicode without U+0000` },
  ];
  return new AppError(
    'INVALID_REQUEST',
    { zh: `請求資料驗證失敗: ${field} 含有不允許的字元 (${found.reason})`, en: `Request validation failed: ${describeIllFormed({ ...found, path: field })}` },
    { errors },
  );
}

/** Body, query string and path parameters, checked once per request before schema validation. */
export function checkRequestText(request: { body?: unknown; query?: unknown; params?: unknown }): AppError | undefined {
  for (const [part, value] of [
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ] as const) {
    const found = findIllFormedText(value);
    if (found) return illFormedTextError(part, found);
  }
  return undefined;
}
