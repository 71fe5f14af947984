/**
 * Query-string pieces shared by the tenant list endpoints: a date range and the rule that an
 * unknown parameter is refused (400 naming it) rather than silently ignored. Not for the seed-002
 * bank routes: Spring ignores unknown parameters, and so must they.
 */
import { Type, type TProperties } from 'typebox';
import { apiDateToDb } from '../db/sql.js';
import { AppError } from './errors.js';
import { IsoDate } from './schemas.js';

/** `from`/`to` (inclusive; a bare date `to` means the end of that day). */
export const DateRangeQuery = {
  from: Type.Optional(IsoDate('from, inclusive: 2026-01-01 or 2026-01-01T10:00:00Z')),
  to: Type.Optional(IsoDate('to, inclusive: 2026-01-31 (the whole day) or 2026-01-31T18:00:00Z')),
};

/** A tenant list endpoint's query string: the given parameters and no others. */
export const StrictQuery = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false });

/** The range as database timestamps; 400 when `from` is after `to`. */
export function dateRange(query: { from?: string | undefined; to?: string | undefined }): { from?: string; to?: string } {
  const from = query.from === undefined ? undefined : (apiDateToDb(query.from) ?? undefined);
  const to = query.to === undefined ? undefined : (apiDateToDb(query.to, true) ?? undefined);
  if (from !== undefined && to !== undefined && from > to) {
    throw new AppError(
      'INVALID_REQUEST',
      { zh: '開始時間不能晚於結束時間 (from > to)', en: 'from must not be after to' },
      { errors: [{ field: 'from', message: 'from must not be after to' }] },
    );
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}
