import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../types.js';
import { compileSpel } from './index.js';

const run = (src: string, root: unknown = {}, vars?: Record<string, unknown>, decimal = false): unknown =>
  compileSpel(src, { decimal }).evaluate(root, vars, { now: new Date('2024-03-01T12:00:00Z') });

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e.code;
    throw e;
  }
  return undefined;
}

describe('numeric semantics', () => {
  it('follows Java int and double arithmetic', () => {
    expect(run('7 / 2')).toBe(3);
    expect(run('-7 / 2')).toBe(-3);
    expect(run('7.0 / 2')).toBe(3.5);
    expect(run('-7 % 3')).toBe(-1);
    expect(run('2 ^ 10')).toBe(1024);
    expect(run('a / b', { a: 7, b: 2 })).toBe(3);
    expect(run('a / b', { a: 7.5, b: 2 })).toBe(3.75);
    expect(codeOf(() => run('1 / 0'))).toBe('EVALUATION_ERROR');
    expect(run('1.0 / 0')).toBe(Infinity);
  });

  it('treats Decimal values as BigDecimal and compares across kinds', () => {
    const root = { annualIncome: new Decimal('2000000.00'), rate: new Decimal('0.015') };
    expect(run('annualIncome >= 2000000', root)).toBe(true);
    expect(run('annualIncome == 2000000', root)).toBe(true);
    const product = run('annualIncome * rate', root);
    expect(product).toBeInstanceOf(Decimal);
    expect((product as Decimal).toString()).toBe('30000');
  });

  it('money mode makes every number a BigDecimal with scale-10 HALF_UP division', () => {
    expect((run('amount * 0.1 + 0.2', { amount: 1 }, undefined, true) as Decimal).toString()).toBe('0.3');
    expect((run('10 / 3', {}, undefined, true) as Decimal).toString()).toBe('3.3333333333');
    expect((run('2 / 3', {}, undefined, true) as Decimal).toString()).toBe('0.6666666667');
    expect(run('7', {}, undefined, true)).toBeInstanceOf(Decimal);
  });

  it('concatenates strings Java-style', () => {
    expect(run("'n=' + 3.0d")).toBe('n=3.0');
    expect(run("'n=' + 3")).toBe('n=3');
    expect(run("'x' + null")).toBe('xnull');
    // Spring converts the list with its conversion service (CollectionToStringConverter).
    expect(run("'l=' + {1,2}")).toBe('l=1,2');
  });
});

describe('properties, variables and navigation', () => {
  const root = { a: { b: { c: 5 } }, list: [1, 2, 3], m: { k: 'v' }, nothing: null };
  it('reads nested properties, indexers and null-safe paths', () => {
    expect(run('a.b.c', root)).toBe(5);
    expect(run("a['b']['c']", root)).toBe(5);
    expect(run('list[1]', root)).toBe(2);
    expect(run('nothing?.x', root)).toBeNull();
    expect(run('nothing?.x.y.z', root)).toBeNull();
    expect(run("m['missing']", root)).toBeNull();
  });

  it('raises Spring codes for missing properties', () => {
    expect(codeOf(() => run('missing', root))).toBe('EL1008E');
    expect(codeOf(() => run('nothing.x', root))).toBe('EL1007E');
    expect(codeOf(() => run('toString', root))).toBe('EL1008E');
    expect(codeOf(() => run('hasOwnProperty', root))).toBe('EL1008E');
  });

  it('resolves #x from variables, then the root, else null', () => {
    expect(run('#param_limit', root, { param_limit: 10 })).toBe(10);
    expect(run('#a.b.c', root)).toBe(5);
    expect(run('#unknown', root)).toBeNull();
    expect(run('#this.a.b.c', root)).toBe(5);
    expect(run('#root.list.size()', root)).toBe(3);
  });

  it('selects, projects and picks first/last on lists and maps', () => {
    expect(run('list.?[#this > 1]', root)).toEqual([2, 3]);
    expect(run('list.^[#this > 1]', root)).toBe(2);
    expect(run('list.$[#this > 1]', root)).toBe(3);
    expect(run('list.![#this * 10]', root)).toEqual([10, 20, 30]);
    expect(run('{a:1,b:2}.?[value > 1]')).toEqual({ b: 2 });
    expect(run('{a:1,b:2}.![key]')).toEqual(['a', 'b']);
  });
});

describe('operators and methods', () => {
  it('supports word operators, between, matches, in, ternary and elvis', () => {
    expect(run('3 gt 2 and not false')).toBe(true);
    expect(run('5 between {1, 5}')).toBe(true);
    expect(run("'abc' matches '[a-c]+'")).toBe(true);
    expect(run('2 in {1, 2}')).toBe(true);
    expect(run("'x' in {'a':1}")).toBe(false);
    expect(run("x ?: 'd'", { x: '' })).toBe('d');
    expect(run("1 > 2 ? 'a' : 'b'")).toBe('b');
  });

  it('requires booleans for logic (EL1001E)', () => {
    expect(codeOf(() => run('1 and true'))).toBe('EL1001E');
    expect(codeOf(() => run('null ? 1 : 2'))).toBe('EL1001E');
  });

  it('calls whitelisted methods only', () => {
    expect(run("'Hello'.toUpperCase().startsWith('HE')")).toBe(true);
    expect(run("{'a':1}.containsKey('a')")).toBe(true);
    expect(run("{'a':1}.keySet()")).toEqual(['a']);
    expect(codeOf(() => run("'a'.getBytes()"))).toBe('NOT_SUPPORTED');
    expect(codeOf(() => run("'abc'.substring(5)"))).toBe('EL1029E');
  });
});

describe('functions', () => {
  it('computes dates from the injected clock', () => {
    expect(run("#daysSince('2024-02-01')")).toBe(29);
    expect(run("#daysSince('2024-02-29T13:00:00')")).toBe(0);
    expect(run("#daysBetween('2024-01-01', '2024-01-31')")).toBe(30);
    expect(run('#now()')).toBe('2024-03-01T12:00:00.000Z');
  });

  it('aggregates and rounds HALF_UP', () => {
    expect(run('#sum(list)', { list: [1, 2, 3] })).toBe(6);
    expect(run('#max(list)', { list: [1, 7, 3] })).toBe(7);
    expect(run('#min(3, 1, 2)')).toBe(1);
    expect(run('#round(1.005, 2)')).toBe(1.01);
    expect(run('#round(2.5)')).toBe(3);
    expect(run('#abs(-4)')).toBe(4);
    expect((run('#sum(list)', { list: [new Decimal('0.1'), 0.2] }) as Decimal).toString()).toBe('0.3');
  });

  it('refuses unknown functions at compile time', () => {
    expect(codeOf(() => compileSpel('#exec(1)'))).toBe('UNKNOWN_FUNCTION');
  });
});
