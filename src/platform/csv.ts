/**
 * The one CSV writer (every CSV the service produces goes through csvCell / csvLine).
 *
 * CSV injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and tab / CR in
 * some) as a formula, and which characters separate cells depends on the reader's locale (`,` in
 * en-US, `;` in much of Europe, tab when pasted). A customer id `x;=1+1;@SUM(A1)` written as-is
 * is three cells, two of them formulas, for a `;` reader. So, for every cell:
 *
 * 1. Neutralise: split the text at every separator any common locale uses (`,` `;` tab) and at
 *    line breaks; each part that starts with a formula trigger (`= + - @`, tab, CR, optionally
 *    after spaces; `＝＋－＠` too) gets a leading `'`, the spreadsheet convention for "this is text".
 * 2. Quote (RFC 4180): a cell containing `,` `;` tab, `"`, CR or LF is wrapped in quotes with
 *    inner quotes doubled, so a reader of any of those locales sees one cell.
 *
 * Only text is neutralised. JavaScript numbers are written as numbers (`-5` stays a number:
 * they are computed by the service, not chosen by a client); booleans as true/false; objects as
 * JSON text (neutralised like any text).
 */

/** Where a reader in some common locale (or a line reader) starts a new part. */
const SEPARATORS = new Set([',', ';', '\t', '\r', '\n']);
/** A formula trigger at a part's start, optionally after spaces: `= + - @`, tab, CR, and the full-width `＝＋－＠`. */
const TRIGGER_AT = /[ \u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/y;
const NEEDS_QUOTES = /[",;\t\r\n]/;

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

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const text = neutraliseFormulas(typeof value === 'string' ? value : JSON.stringify(value) ?? '');
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated (RFC 4180), cells separated by `,`. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;
