import { fault } from '../errors.js';
import { compareNumbers, isDecimal, isNumeric, javaDouble, JavaDouble, kindOf, num } from './numbers.js';

/** A JSON object used as a Java Map/bean: not an array, Date, Decimal, Map or Set. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof Set) &&
    !(v instanceof Date) &&
    !(v instanceof JavaDouble) &&
    !isDecimal(v)
  );
}

export const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/** Own enumerable property, or undefined: never reaches the prototype chain. */
export function ownValue(o: object, key: string): unknown {
  return propertyIsEnumerable.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** Defines an own property without ever invoking the `__proto__` setter. */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** Java-ish type name for messages, as Spring would print it. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'number' || v instanceof JavaDouble) {
    const k = kindOf(v);
    return k === 'int' ? 'java.lang.Integer' : k === 'long' ? 'java.lang.Long' : 'java.lang.Double';
  }
  if (isDecimal(v)) return 'java.math.BigDecimal';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof Set) return 'java.util.LinkedHashSet';
  if (v instanceof Date) return 'java.util.Date';
  return 'java.util.LinkedHashMap';
}

/** Java `String.valueOf(v)`: `[1, 2]`, `{a=1}`, `2.0` for doubles. */
export function javaString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (v instanceof JavaDouble) return javaDouble(v.value);
  // Integral values beyond long range can only be doubles in Java (e.g. 6.0221415E23).
  if (typeof v === 'number') return !Number.isInteger(v) || Math.abs(v) >= 2 ** 63 ? javaDouble(v) : String(v);
  if (typeof v === 'boolean') return String(v);
  if (isDecimal(v)) return v.toFixed();
  if (Array.isArray(v) || v instanceof Set) return `[${[...v].map((x) => javaString(x)).join(', ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${javaString(k)}=${javaString(x)}`).join(', ')}}`;
  if (typeof v === 'object') {
    return `{${Object.keys(v)
      .map((k) => `${k}=${javaString(ownValue(v, k))}`)
      .join(', ')}}`;
  }
  return String(v);
}

/**
 * A value converted to text by Spring's conversion service, as `+` with a string and template
 * parts do: a collection is its elements joined with ',' (`{1, 2}` → `1,2`); others as `javaString`.
 */
export function concatText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) || v instanceof Set) return [...v].map((x) => concatText(x)).join(',');
  return javaString(v);
}

/**
 * Java's `Object.equals`, as collections use it (`contains`, `indexOf`, map keys): numbers are
 * equal only with the same boxed type and value (`Integer 1` is not `Double 1.0`, nor `Long 1`).
 * A Decimal compares by value with any number: money mode makes every number a BigDecimal, and
 * decimal.js keeps no scale to tell `1.0` from `1.00`.
 */
export function javaEquals(l: unknown, r: unknown): boolean {
  if (isNumeric(l) && isNumeric(r)) {
    if (isDecimal(l) || isDecimal(r)) return compareNumbers(l, r) === 0;
    const lk = kindOf(l);
    if (lk !== kindOf(r)) return false;
    const a = num(l);
    const b = num(r);
    // Double.equals compares bits: NaN equals NaN, 0.0 is not -0.0.
    return lk === 'double' ? Object.is(a, b) : a === b;
  }
  if (Array.isArray(l) && Array.isArray(r)) return l.length === r.length && l.every((x, i) => javaEquals(x, r[i]));
  if (isPlainObject(l) && isPlainObject(r)) {
    const lk = Object.keys(l);
    return lk.length === Object.keys(r).length && lk.every((k) => propertyIsEnumerable.call(r, k) && javaEquals(l[k], r[k]));
  }
  return spelEquals(l, r);
}

/**
 * Spring's `==`: numbers by value across kinds (`1 == 1.0`; NaN equals nothing), strings by
 * content; lists and maps by Java's `equals`, whose elements compare typed (`{1.0} == {1}` is false).
 */
export function spelEquals(l: unknown, r: unknown): boolean {
  if (l === r) return true;
  if (l === null || l === undefined || r === null || r === undefined) return (l ?? null) === (r ?? null);
  if (isNumeric(l) && isNumeric(r)) return isDecimal(l) || isDecimal(r) ? compareNumbers(l, r) === 0 : num(l) === num(r);
  if (typeof l !== 'object' || typeof r !== 'object') return false;
  if (Array.isArray(l) && Array.isArray(r)) return l.length === r.length && l.every((x, i) => javaEquals(x, r[i]));
  if (l instanceof Date && r instanceof Date) return l.getTime() === r.getTime();
  if (l instanceof Set && r instanceof Set) return l.size === r.size && [...l].every((x) => [...r].some((y) => spelEquals(x, y)));
  if (isPlainObject(l) && isPlainObject(r)) {
    const lk = Object.keys(l);
    return lk.length === Object.keys(r).length && lk.every((k) => propertyIsEnumerable.call(r, k) && javaEquals(l[k], r[k]));
  }
  return false;
}

/** Spring's StandardTypeComparator: null is smallest; numbers, strings, booleans, dates. */
export function spelCompare(l: unknown, r: unknown, at: number): number {
  if (typeof l === 'number' && typeof r === 'number') return l < r ? -1 : l > r ? 1 : 0;
  if (l instanceof JavaDouble || r instanceof JavaDouble) {
    if (isNumeric(l) && isNumeric(r)) return compareNumbers(l, r);
  }
  if (l === null || l === undefined) return r === null || r === undefined ? 0 : -1;
  if (r === null || r === undefined) return 1;
  if (isNumeric(l) && isNumeric(r)) return compareNumbers(l, r);
  if (typeof l === 'string' && typeof r === 'string') return l < r ? -1 : l > r ? 1 : 0;
  if (typeof l === 'boolean' && typeof r === 'boolean') return Number(l) - Number(r);
  if (l instanceof Date && r instanceof Date) return Math.sign(l.getTime() - r.getTime());
  throw fault(at, 'NOT_COMPARABLE', `Cannot compare instances of ${typeName(l)} and ${typeName(r)}`);
}

/** Iterates a list-like value, or returns undefined if it is not one. */
export function asIterable(v: unknown): readonly unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  return undefined;
}

/** Map entries of a map-like value (`{key, value}` objects, as Spring's Map.Entry), or undefined. */
export function asEntries(v: unknown): { key: unknown; value: unknown }[] | undefined {
  if (v instanceof Map) return [...v].map(([key, value]) => ({ key, value }));
  if (isPlainObject(v)) return Object.keys(v).map((key) => ({ key, value: v[key] }));
  return undefined;
}

/**
 * The value `evaluate` hands back: `JavaDouble` boxes become plain numbers (in place of a copy only
 * where one occurs), so callers only ever see JSON-like values, Decimals, Maps, Sets and Dates.
 */
export function exportValue(v: unknown): unknown {
  if (v instanceof JavaDouble) return v.value;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = typeof x === 'object' && x !== null ? exportValue(x) : x;
      if (y !== x && out === undefined) out = v.slice(0, i);
      if (out !== undefined) out.push(y);
    }
    return out ?? v;
  }
  if (isPlainObject(v)) {
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(v)) {
      const x = v[k];
      const y = typeof x === 'object' && x !== null ? exportValue(x) : x;
      if (y !== x && out === undefined) out = { ...v };
      if (out !== undefined) setOwn(out, k, y);
    }
    return out ?? v;
  }
  return v;
}
