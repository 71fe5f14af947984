/**
 * CSV → rows for each kind of dataset. Pure: returns rows or problems with line numbers, so an
 * import is all-or-nothing and the client sees every bad line at once.
 */
import { newId, toDbTimestamp } from '../platform/db/sql.js';
import { parseCsv, type CsvProblem } from './csv.js';
import type { CustomerBlacklistTable, ProductHoldingTable } from './reference.tables.js';

/** Datasets with their own tables; any other name is a generic keyed dataset in reference_rows. */
export const BLACKLIST_DATASET = 'customer-blacklist';
export const HOLDINGS_DATASET = 'product-holdings';
export const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_ROWS = 100_000;

export type Converted<T> = { readonly rows: T[]; readonly problems: CsvProblem[] };

/** Record a problem and drop the row. */
function skip(problems: CsvProblem[], line: number, message: string): [] {
  problems.push({ line, message });
  return [];
}

/** `customer_id`, `customerId`, `Customer ID` → `customerid`, so either spelling works. */
const norm = (header: string): string =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');

function table(text: string): { header: string[]; body: { line: number; values: Record<string, string> }[]; problems: CsvProblem[] } {
  const { records, problems } = parseCsv(text);
  const out: CsvProblem[] = [...problems];
  const [head, ...rest] = records;
  if (!head) return { header: [], body: [], problems: [...out, { line: 1, message: 'empty file: a header row is required' }] };
  const header = head.fields.map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h) => {
    if (h === '') out.push({ line: head.line, message: 'empty column name in the header' });
    else if (seen.has(h)) out.push({ line: head.line, message: `duplicate column '${h}'` });
    seen.add(h);
  });
  if (rest.length > MAX_ROWS) out.push({ line: rest[MAX_ROWS]?.line ?? 0, message: `more than ${MAX_ROWS} rows` });
  const body = rest.slice(0, MAX_ROWS).flatMap((r) => {
    if (r.fields.length !== header.length) {
      out.push({ line: r.line, message: `expected ${header.length} fields, found ${r.fields.length}` });
      return [];
    }
    return [{ line: r.line, values: Object.fromEntries(header.map((h, i) => [h, r.fields[i] ?? ''])) }];
  });
  return { header, body, problems: out };
}

function column(values: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(values)) if (norm(k) === name) return v.trim() === '' ? undefined : v.trim();
  return undefined;
}

function requireColumns(header: string[], names: string[], problems: CsvProblem[]): boolean {
  const have = new Set(header.map(norm));
  const missing = names.filter((n) => !have.has(norm(n)));
  if (missing.length > 0) problems.push({ line: 1, message: `missing column(s): ${missing.join(', ')}` });
  return missing.length === 0;
}

function timestamp(value: string | undefined, line: number, name: string, problems: CsvProblem[]): string | null {
  if (value === undefined) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) {
    problems.push({ line, message: `${name}: '${value}' is not an ISO-8601 date` });
    return null;
  }
  return toDbTimestamp(date);
}

export function blacklistRows(text: string): Converted<CustomerBlacklistTable> {
  const { header, body, problems } = table(text);
  if (header.length > 0 && !requireColumns(header, ['customer_id'], problems)) return { rows: [], problems };
  const now = toDbTimestamp();
  const rows = body.flatMap(({ line, values }) => {
    const customerId = column(values, 'customerid');
    if (!customerId) return skip(problems, line, 'customer_id is required');
    if (customerId.length > 50) return skip(problems, line, 'customer_id longer than 50 characters');
    const listedAt = timestamp(column(values, 'listedat'), line, 'listed_at', problems) ?? now;
    return [{ id: newId(), customer_id: customerId, reason: column(values, 'reason') ?? null, listed_at: listedAt, source: column(values, 'source') ?? null }];
  });
  return { rows, problems };
}

export function holdingRows(text: string): Converted<ProductHoldingTable> {
  const { header, body, problems } = table(text);
  if (header.length > 0 && !requireColumns(header, ['customer_id', 'product_type'], problems)) return { rows: [], problems };
  const rows = body.flatMap(({ line, values }) => {
    const customerId = column(values, 'customerid');
    const productType = column(values, 'producttype')?.toUpperCase();
    const status = (column(values, 'status') ?? 'ACTIVE').toUpperCase();
    const before = problems.length;
    if (!customerId) problems.push({ line, message: 'customer_id is required' });
    if (!productType) problems.push({ line, message: 'product_type is required' });
    else if (!/^[A-Z][A-Z0-9_]{0,49}$/.test(productType))
      problems.push({ line, message: `product_type '${productType}' must be an upper-case code such as CREDIT_CARD` });
    if (status !== 'ACTIVE' && status !== 'CLOSED') problems.push({ line, message: `status must be ACTIVE or CLOSED, got '${status}'` });
    const openedAt = timestamp(column(values, 'openedat'), line, 'opened_at', problems);
    if (problems.length > before || !customerId || !productType) return [];
    return [{ id: newId(), customer_id: customerId, product_type: productType, product_id: column(values, 'productid') ?? null, opened_at: openedAt, status }];
  });
  return { rows, problems };
}

/** Generic dataset: every column kept as text; `keyColumn` (default: the first column) is the key. */
export function referenceRows(
  text: string,
  keyColumn: string | undefined,
): Converted<{ key: string; data: Record<string, unknown> }> & { keyColumn: string | null } {
  const { header, body, problems } = table(text);
  const key = keyColumn ?? header[0];
  if (header.length > 0 && (key === undefined || !header.includes(key))) {
    problems.push({ line: 1, message: `key column '${key ?? ''}' is not in the header (${header.join(', ')})` });
    return { rows: [], problems, keyColumn: null };
  }
  const seen = new Map<string, number>();
  const rows = body.flatMap(({ line, values }) => {
    const value = key === undefined ? undefined : values[key]?.trim();
    if (!value) return skip(problems, line, `key column '${key ?? ''}' is empty`);
    if (value.length > 200) return skip(problems, line, 'key longer than 200 characters');
    const earlier = seen.get(value);
    if (earlier !== undefined) return skip(problems, line, `duplicate key '${value}' (also on line ${earlier})`);
    seen.set(value, line);
    return [{ key: value, data: values }];
  });
  return { rows, problems, keyColumn: key ?? null };
}
