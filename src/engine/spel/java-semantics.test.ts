import { describe, expect, it } from 'vitest';
import { EngineError } from '../types.js';
import { compileSpel, spelResultText, type SpelOptions } from './index.js';

const run = (src: string, root: unknown = {}, options?: SpelOptions): unknown => compileSpel(src, options).evaluate(root, undefined, { now: new Date() });
const text = (src: string, root: unknown = {}, options?: SpelOptions): string =>
  spelResultText(compileSpel(src, options), root, undefined, { now: new Date() });

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e.code;
    throw e;
  }
  return undefined;
}

// Each expectation below is what Spring answers (the same cases are in the oracle fixture).
describe('Java numeric typing, as Spring evaluates it', () => {
  it('Given ints, When a result leaves 32 bits, Then it wraps like Java int arithmetic', () => {
    expect(run('2147483647 + 1')).toBe(-2147483648);
    expect(run('100000 * 100000')).toBe(1410065408);
    expect(run('imin / -1', { imin: -2147483648 })).toBe(-2147483648);
    expect(run('-imin', { imin: -2147483648 })).toBe(-2147483648);
  });

  it('Given a long operand (literal L or a JSON integer beyond int range), Then the sum is a long that does not wrap at 32 bits', () => {
    expect(run('2147483647L + 1')).toBe(2147483648);
    expect(run('big + 1', { big: 3000000000 })).toBe(3000000001);
    expect(run('4611686018427387904L * 2')).toBe(-(2 ** 63));
  });

  it('Given a double divisor of zero, Then the result is Infinity or NaN; an int divisor of zero is an error', () => {
    expect(run('1.0 / 0')).toBe(Infinity);
    expect(run('-1 / 0.0')).toBe(-Infinity);
    expect(run('0.0 / 0')).toBeNaN();
    expect(run('1.0 % 0')).toBeNaN();
    expect(codeOf(() => run('1 / 0'))).toBe('EVALUATION_ERROR');
    expect(codeOf(() => run('10L % 0'))).toBe('EVALUATION_ERROR');
  });

  it('Given a number in string concatenation, Then it prints as Java Double.toString / Integer.toString', () => {
    expect(run("'' + 12000000.0")).toBe('1.2E7');
    expect(run("'x' + 5.0")).toBe('x5.0');
    expect(run("'x' + d * 2", { d: 2.5 })).toBe('x5.0');
    expect(run("'x' + 5")).toBe('x5');
    expect(run("'' + -0.0")).toBe('0.0');
  });

  it('Given a double whose value is integral, Then it stays a double through lists and projections', () => {
    expect(text('2.5 * 2')).toBe('5.0');
    expect(text('{1.5, 2.5}.![#this * 2]')).toBe('[3.0, 5.0]');
    expect(run('{1.5, 2.5}.![#this * 2]')).toEqual([3, 5]);
    expect(text('i * 1.0', { i: 7 })).toBe('7.0');
  });

  it('Given typed collection members, Then contains/indexOf use Java equals (Integer 1 is not Double 1.0)', () => {
    expect(run('{1.0}.contains(1)')).toBe(false);
    expect(run('{1}.contains(1.0)')).toBe(false);
    expect(run('nums.contains(2)', { nums: [1, 2] })).toBe(true);
    expect(run('nums.indexOf(2.0)', { nums: [1, 2] })).toBe(-1);
    expect(run('{1.0} == {1}')).toBe(false);
    // `==` itself compares numbers by value, across kinds.
    expect(run('1 == 1.0')).toBe(true);
  });

  it('Given a list, When `.length` is read, Then it is EL1008E as on a Java List (use size())', () => {
    expect(codeOf(() => run('{1, 2}.length'))).toBe('EL1008E');
    expect(codeOf(() => run('nums.length', { nums: [1] }))).toBe('EL1008E');
    expect(run('nums.size()', { nums: [1] })).toBe(1);
  });

  it('Given a string operand of and/or/not, Then Spring converts true/false text, and refuses other text', () => {
    expect(run("'true' and true")).toBe(true);
    expect(run("!'false'")).toBe(true);
    expect(codeOf(() => run("'maybe' or true"))).toBe('EL1001E');
  });

  it('Given a list in concatenation, Then Spring joins it with commas (conversion service)', () => {
    expect(run("'n: ' + nums", { nums: [1, 2, 3] })).toBe('n: 1,2,3');
  });
});

describe('template mode (Spring TemplateParserContext)', () => {
  const root = { amount: 500, validUntil: '2026-12-31', d: 2.5, nums: [1, 2], nothing: null };
  it('Given text with several #{…} parts, Then each part is evaluated and the text kept', () => {
    expect(run('回饋 #{amount} 元，到期 #{validUntil}', root, { mode: 'template' })).toBe('回饋 500 元，到期 2026-12-31');
    expect(run('a #{d * 2} b', root, { mode: 'template' })).toBe('a 5.0 b');
    expect(run('[#{nothing}] #{nums}', root, { mode: 'template' })).toBe('[] 1,2');
    expect(run('#{"}"} brace', root, { mode: 'template' })).toBe('} brace');
  });

  it('Given text without #{, Then it is the text itself; a single #{x} is the value of x', () => {
    expect(run('plain text, (no) expressions', root, { mode: 'template' })).toBe('plain text, (no) expressions');
    expect(run('', root, { mode: 'template' })).toBe('');
    expect(run('#{amount}', root, { mode: 'template' })).toBe(500);
  });

  it('Given a broken template, Then it is a syntax error with a position', () => {
    expect(codeOf(() => run('unclosed #{amount', root, { mode: 'template' }))).toBe('SYNTAX_ERROR');
    expect(codeOf(() => run('empty #{}', root, { mode: 'template' }))).toBe('SYNTAX_ERROR');
    expect(codeOf(() => run('#{1 +}', root, { mode: 'template' }))).toMatch(/^EL10/);
    expect(compileSpel('x #{amount} #{validUntil}', { mode: 'template' }).fields).toEqual(['amount', 'validUntil']);
  });

  it('Given the default (auto) mode, Then a whole-string #{…} is still an expression, and expression mode takes text literally', () => {
    expect(run('#{amount > 100}', root)).toBe(true);
    expect(run('amount > 100', root)).toBe(true);
    expect(codeOf(() => run('#{amount > 100}', root, { mode: 'expression' }))).toMatch(/^EL10/);
  });
});

describe('money mode keeps decimal semantics', () => {
  it('Given money mode, When a JSON number is looked up in a list of literals, Then it matches by value (every number is a BigDecimal)', () => {
    expect(run('{100, 200}.contains(amount)', { amount: 200 }, { decimal: true })).toBe(true);
    expect(Number(run('{100, 200}.indexOf(amount)', { amount: 200 }, { decimal: true }))).toBe(1);
    expect(String(run('amount * 0.015', { amount: 1000 }, { decimal: true }))).toBe('15');
  });
});
