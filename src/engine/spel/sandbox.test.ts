import { describe, expect, it } from 'vitest';
import { EngineError } from '../types.js';
import { analyzeSpel, compileSpel } from './index.js';

function failure(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected an EngineError');
}

const root = { name: 'x', list: [1, 2, 3] };
const attempt = (src: string) => failure(() => compileSpel(src).evaluate(root, undefined, { now: new Date() }));

describe('injection corpus', () => {
  const refused: readonly [string, string][] = [
    ["T(java.lang.Runtime).getRuntime().exec('id')", 'NOT_SUPPORTED'],
    ["new java.io.File('/')", 'NOT_SUPPORTED'],
    ["''.getClass().forName('java.lang.Runtime')", 'NOT_SUPPORTED'],
    ["#root.constructor.constructor('return process')()", 'NOT_SUPPORTED'],
    ["['__proto__']['x']", 'NOT_SUPPORTED'],
    ["{'__proto__': 1}", 'NOT_SUPPORTED'],
    ['name.class', 'NOT_SUPPORTED'],
    ['list.prototype', 'NOT_SUPPORTED'],
    ['@bean', 'NOT_SUPPORTED'],
    ['&factory', 'NOT_SUPPORTED'],
    ["name = 'y'", 'NOT_SUPPORTED'],
    ['list++', 'NOT_SUPPORTED'],
    ['name instanceof T(String)', 'NOT_SUPPORTED'],
  ];
  it.each(refused)('refuses %s', (src, code) => {
    const err = attempt(src);
    expect(err.code).toBe(code);
    expect(err.position).toBeDefined();
  });

  it('never reaches the prototype chain through dynamic keys', () => {
    expect(attempt("#root[#k]['x']".replace('#k', "'con' + 'structor'")).code).toBe('NOT_SUPPORTED');
    expect(compileSpel('{#k: 1}').evaluate({}, { k: 'a' }, { now: new Date() })).toEqual({ a: 1 });
    expect(failure(() => compileSpel('{#k: 1}').evaluate({}, { k: '__proto__' }, { now: new Date() })).code).toBe('NOT_SUPPORTED');
    expect(compileSpel("m['toString']").evaluate({ m: {} }, undefined, { now: new Date() })).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('limits nesting without overflowing the stack', () => {
    const deep = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
    expect(failure(() => compileSpel(deep, { limits: { maxSourceLength: 100_000 } })).code).toBe('LIMIT_EXCEEDED');
    expect(failure(() => compileSpel(`${'!'.repeat(5000)}true`)).code).toBe('LIMIT_EXCEEDED');
    expect(failure(() => compileSpel(Array.from({ length: 3000 }, () => '1').join('+'))).code).toBe('LIMIT_EXCEEDED');
  });

  it('limits source length', () => {
    expect(failure(() => compileSpel(`'${'a'.repeat(1_000_000)}'`)).code).toBe('LIMIT_EXCEEDED');
  });

  it('limits string building', () => {
    expect(attempt("'a' * 257").code).toBe('EL1076E');
    const grow = compileSpel('s + s + s + s + s + s + s + s + s + s + s');
    expect(failure(() => grow.evaluate({ s: 'x'.repeat(20_000) }, undefined, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
    expect(failure(() => compileSpel('#x.concat(#x)').evaluate({}, { x: 'y'.repeat(60_000) }, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
  });

  it('limits evaluation steps', () => {
    const big = Array.from({ length: 200_000 }, (_, i) => i);
    expect(failure(() => compileSpel('list.?[#this > 5]').evaluate({ list: big }, undefined, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
    const nested = compileSpel('list.![#root.list.![#root.list.size()]]', { limits: { maxSteps: 1000 } });
    expect(failure(() => nested.evaluate({ list: Array.from({ length: 100 }, (_, i) => i) }, undefined, { now: new Date() })).code).toBe('LIMIT_EXCEEDED');
  });

  it('runs a catastrophic-backtracking regex in linear time', () => {
    const started = performance.now();
    expect(compileSpel("'aaaaaaaaaaaaaaaaaaaaaaaaaaaa!' matches '(a+)+$'").evaluate({}, undefined, { now: new Date() })).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses regex features RE2 lacks with EL1018E', () => {
    expect(failure(() => compileSpel("'aa' matches '(a)\\1'")).code).toBe('EL1018E');
  });

  it('reports errors with line and column', () => {
    const err = failure(() => compileSpel('a and\n  b +'));
    expect(err.code).toBe('EL1042E');
    expect(err.position).toEqual({ offset: 10, line: 2, column: 5 });
  });

  it('analysis turns user errors into diagnostics', () => {
    const a = analyzeSpel('#nope(1) and x.size() > 0');
    expect(a.diagnostics[0]?.code).toBe('UNKNOWN_FUNCTION');
    expect(analyzeSpel('(1 +').diagnostics[0]?.position?.column).toBeGreaterThan(0);
    expect(analyzeSpel('a.b.c > #param_x and #daysSince(d) < 3')).toMatchObject({
      fields: ['a.b.c', 'd'],
      variables: ['param_x'],
      functions: ['daysSince'],
      resultType: 'boolean',
      diagnostics: [],
    });
  });
});
