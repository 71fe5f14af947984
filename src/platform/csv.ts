/**
 * The one CSV writer: every CSV the service produces goes through these options on `csv-stringify`
 * (streaming for exports, sync for small texts). The library does the RFC 4180 part; what is ours
 * is the formula-injection cast below, applied to every cell before the library quotes it.
 *
 * CSV injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and tab / CR in
 * some) as a formula, and which characters separate cells depends on the reader's locale (`,` in
 * en-US, `;` in much of Europe, tab when pasted). A customer id `x;=1+1;@SUM(A1)` written as-is
 * is three cells, two of them formulas, for a `;` reader. So, for every cell:
 *
 * 1. Neutralise (ours, a `cast`): split the text at every separator any common locale uses (`,` `;`
 *    tab) and at line breaks; each part that starts with a formula trigger (`= + - @`, tab, CR,
 *    optionally after spaces; `＝＋－＠` too) gets a leading `'`, the spreadsheet convention for
 *    "this is text". The library's own `escape_formulas` only looks at the cell's first character,
 *    which is exactly how the `;` injection slipped through before: it stays off.
 * 2. Quote (the library, RFC 4180): a cell containing `,` `"`, CR or LF is quoted with inner quotes
 *    doubled; `quoted_match` adds `;` and tab, so a reader of any of those locales sees one cell.
 *
 * Only text is neutralised. JavaScript numbers are written as numbers (`-5` stays a number:
 * they are computed by the service, not chosen by a client); booleans as true/false; objects as
 * JSON text (neutralised like any text).
 */
import { stringify, type Options, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

/** Where a reader in some common locale (or a line reader) starts a new part. */
const SEPARATORS = new Set([',', ';', '\t', '\r', '\n']);
/** A formula trigger at a part's start, optionally after spaces: `= + - @`, tab, CR, and the full-width `＝＋－＠`. */
const TRIGGER_AT = /[ \u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/y;

/**
 * Text with every separated part that would start a formula prefixed with `'`. A scan rather than
 * a replace: a trigger that is itself a separator (tab, CR) also starts the next part and is checked
 * again there (`a;\t\t=b` → `a;'\t'\t'=b`).
 */
export function neutraliseFormulas(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (i === 0 || SEPARATORS.has(text[i - 1] ?? '')) {
      TRIGGER_AT.lastIndex = i;
      if (TRIGGER_AT.test(text)) out += "'";
    }
    out += text[i];
  }
  return out;
}

const asJsonText = (value: unknown): string => neutraliseFormulas(JSON.stringify(value) ?? '');

/** `,` between cells, CRLF after each record (RFC 4180); `null`/`undefined` are empty cells. */
const OPTIONS: Options = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: 'windows',
  // Any CR or LF in a cell is quoted (the library turns this off once record_delimiter is set).
  quote_record_delimiter: true,
  eof: true,
  // The library quotes `,` `"` CR LF; `;` and tab separate cells for other locales' readers.
  quoted_match: [/[;\t]/],
  cast: {
    string: neutraliseFormulas,
    number: (value) => (Number.isFinite(value) ? String(value) : ''),
    bigint: (value) => String(value),
    boolean: (value) => String(value),
    date: asJsonText,
    object: asJsonText,
  },
};

/** A streaming writer: write arrays of cells, read CSV bytes (`bom`: start with a UTF-8 BOM, for spreadsheets). */
export const csvWriter = (options: { bom?: boolean } = {}): Stringifier => stringify({ ...OPTIONS, bom: options.bom ?? false });

/** Records as one CSV text (for small outputs; exports stream through csvWriter). */
export const csvText = (records: readonly (readonly unknown[])[]): string => stringifySync(records as unknown[][], OPTIONS);

/** One CSV record, CRLF-terminated. */
export const csvLine = (cells: readonly unknown[]): string => csvText([cells]);

/** One cell as it appears in a record. */
export const csvCell = (value: unknown): string => csvLine([value]).slice(0, -2);
