/**
 * Timestamps in tenant data (seed 000: campaigns, templates, events, rewards, players, tenants,
 * outbox/NATS headers) are ISO 8601 instants in UTC with milliseconds and `Z`, e.g.
 * `2026-12-04T19:00:00.000Z`, whatever the database. The seed-002 bank API keeps its documented
 * zone-less local format (`fromDbTimestamp` in platform/db/sql.ts, `localTimestamp` in envelope.ts).
 */

// Database text is UTC 'YYYY-MM-DD HH:MM:SS[.f…]': SQLite keeps the three decimals it was written
// with, PostgreSQL's TIMESTAMP(3) output drops trailing zeros ('19:00:00', '19:00:00.5').
const DB_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** A Date as tenant data shows it: ISO 8601 UTC with milliseconds and `Z`. */
export const isoInstant = (date: Date): string => date.toISOString();

/** A database timestamp (text or Date; UTC) as an ISO 8601 instant, or null. Same output on SQLite and PostgreSQL. */
export function dbToIso(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const ms = dbTimeMs(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** A database timestamp (UTC text, any number of decimals, optional zone) as epoch milliseconds (NaN if it is none). */
export function dbTimeMs(text: string): number {
  const m = DB_TEXT.exec(text.trim());
  if (!m) return Number.NaN;
  const [, day, time = '', fraction = '', zone = 'Z'] = m;
  const hms = time.length === 5 ? `${time}:00` : time;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  return Date.parse(`${day}T${hms}.${millis}${zone}`);
}
