/**
 * RFC 4180 CSV through `csv-parse`: comma-separated, `"` quoting with `""` escapes, fields may span
 * lines, CRLF, LF or CR (mixed too), optional UTF-8 BOM, blank lines skipped. Each record carries the
 * physical line it starts on, so errors can name it.
 *
 * The line is ours, not the library's `info.lines`: that counts CR and LF separately inside quoted
 * fields (a quoted CRLF is two lines to it), so it drifts after the first one. The library reports
 * the byte offset where each record ends (`info.bytes`), and the line is looked up from that.
 *
 * A structural error (a quote inside a field, an unterminated quote …) ends the parse: the library
 * cannot resynchronise reliably after one (it reports follow-on errors), and any problem rejects the
 * whole import anyway. The records before it are still returned, so their problems are listed too.
 *
 * Parsed from the request text: Fastify's parser already bounds it (REFERENCE_CSV_LIMIT_BYTES, 413
 * past it), and the import is all-or-nothing in one transaction, so its rows are held in memory
 * either way.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based physical line where the record starts (the header is line 1). */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedCsv {
  readonly records: readonly CsvRecord[];
  readonly problems: readonly CsvProblem[];
}

const CR = 0x0d;
const LF = 0x0a;

/** Byte offsets where each physical line starts (CRLF, CR or LF end a line). */
function lineStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === CR && bytes[i + 1] === LF) i++;
    if (b === CR || b === LF) starts.push(i + 1);
  }
  return starts;
}

/** The 1-based line holding the byte at `offset`. */
function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const MESSAGES: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field',
  INVALID_OPENING_QUOTE: 'a quote may only start a field',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote must end the field',
};

export function parseCsv(text: string): ParsedCsv {
  const bytes = Buffer.from(text, 'utf8');
  const starts = lineStarts(bytes);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  /** Where the previous record ended (after its line break); blank lines may follow it. */
  let end = 0;
  try {
    parse(bytes, {
      bom: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (fields: string[], context) => {
        let start = end;
        while (bytes[start] === CR || bytes[start] === LF) start++;
        // The BOM is not part of the first line's text, but it is on line 1 all the same.
        records.push({ line: lineAt(starts, start), fields });
        end = context.bytes;
        return undefined; // collected here, not in the library's result
      },
    });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const at = (err as CsvError & { bytes?: unknown }).bytes;
    const line =
      typeof at === 'number' ? lineAt(starts, Math.max(0, Math.min(at, bytes.length - 1))) : Number((err as CsvError & { lines?: unknown }).lines ?? 1);
    problems.push({ line, message: MESSAGES[err.code] ?? err.message });
  }
  return { records, problems };
}
