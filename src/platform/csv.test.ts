import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv.js';

const TRIGGER = /^[=+\-@\t\r]/;
const SEPARATORS = [',', ';', '\t'] as const;
/** Text rich in separators, quotes, line breaks, spaces and triggers (ASCII and full-width). */
const hostile = fc.string({
  unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', "'", ' ', 'a', '1', '(', ')', 'A', '\uff1d', '\u00a0'),
  maxLength: 40,
});
const cellValue = fc.oneof(
  hostile,
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.jsonValue().filter((v) => typeof v !== 'number'),
);
// Top-level JS numbers are out of scope: they are written as numbers (`-5` is the number -5 to a spreadsheet, not a formula).

describe('CSV injection (issue 10 item 14)', () => {
  it('Given the customer id x;=1+1;@SUM(A1), When written as a CSV cell, Then it is quoted and no ;-separated part is a formula', () => {
    const cell = csvCell('x;=1+1;@SUM(A1)');
    expect(cell).toBe(`"x;'=1+1;'@SUM(A1)"`);
    for (const separator of SEPARATORS) for (const part of cell.split(separator)) expect(part).not.toMatch(TRIGGER);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', `"'\t'=1"`],
    ['\r=1', `"'\r'=1"`],
    ['a\tb', '"a\tb"'],
    ['a,=1', `"a,'=1"`],
    ['a;\t\t=b', `"a;'\t'\t'=b"`],
    ['  =cmd', "'  =cmd"],
    ['\uff1dSUM(A1)', "'\uff1dSUM(A1)"],
    ['plain', 'plain'],
  ])('Given the text %j, When written, Then %s', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('Given any generated cell, When split by any of , ; tab, Then no part starts with a formula trigger', () => {
    fc.assert(
      fc.property(cellValue, (value) => {
        const cell = csvCell(value);
        for (const separator of SEPARATORS) for (const part of cell.split(separator)) if (TRIGGER.test(part)) return false;
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  it('Given any generated row, When written as a line and split by any of , ; tab, Then no part starts with a formula trigger', () => {
    fc.assert(
      fc.property(fc.array(cellValue, { maxLength: 8 }), (cells) => {
        const line = csvLine(cells).slice(0, -2);
        return SEPARATORS.every((separator) => line.split(separator).every((part) => !TRIGGER.test(part)));
      }),
      { numRuns: 2000 },
    );
  });

  it('Given any generated text, When written, Then an RFC 4180 reader gets back the text (plus the neutralising quotes) in one cell', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const cell = csvCell(text);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        // Removing the inserted ' gives the original back: nothing else is changed.
        return unquoted.replace(/(^|[,;\t\r\n])'/g, '$1') === text.replace(/(^|[,;\t\r\n])'/g, '$1');
      }),
      { numRuns: 2000 },
    );
  });

  it('Given numbers, booleans and nulls, When written, Then they are plain values', () => {
    expect(csvCell(-5.25)).toBe('-5.25');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});
