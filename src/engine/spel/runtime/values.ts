import { fault } from '../errors.js';
import { compareNumbers, isDecimal, isNumeric, javaDouble } from './numbers.js';

/** A JSON object used as a Java Map/bean: not an array, Date, Decimal, Map or Set. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set) && !(v instanceof Date) && !isDecimal(v);
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
  if (typeof v === 'number') return Number.isInteger(v) ? 'java.lang.Integer' : 'java.lang.Double';
  if (isDecimal(v)) return 'java.math.BigDecimal';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof Set) return 'java.util.LinkedHashSet';
  if (v instanceof Date) return 'java.util.Date';
  return 'java.util.LinkedHashMap';
}

/** Java `String.valueOf(v)`: `[1, 2]`, `{a=1}`, `2.0` for reals. */
export function javaString(v: unknown, real = false): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  // Integral values beyond long range can only be doubles in Java (e.g. 6.0221415E23).
  if (typeof v === 'number') return real || !Number.isInteger(v) || Math.abs(v) >= 2 ** 63 ? javaDouble(v) : String(v);
  if (typeof v === 'boolean') return String(v);
  if (isDecimal(v)) return v.toFixed();
  if (Array.isArray(v) || v instanceof Set) return `[${[...v].map((x) => javaString(x)).join(', ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${javaString(k)}=${javaString(x)}`).join(', ')}}`;
  if (typeof v === 'object') {
    return `{${Object.keys(v).map((k) => `${k}=${javaString(ownValue(v, k))}`).join(', ')}}`;
  }
  return String(v);
}

/** Spring's equality: numbers by value across kinds, strings by content, collections structurally. */
export function spelEquals(l: unknown, r: unknown): boolean {
  if (l === r) return true;
  if (l === null || l === undefined || r === null || r === undefined) return (l ?? null) === (r ?? null);
  if (isNumeric(l) && isNumeric(r)) return compareNumbers(l, r) === 0;
  if (typeof l !== 'object' || typeof r !== 'object') return false;
  if (Array.isArray(l) && Array.isArray(r)) return l.length === r.length && l.every((x, i) => spelEquals(x, r[i]));
  if (l instanceof Date && r instanceof Date) return l.getTime() === r.getTime();
  if (l instanceof Set && r instanceof Set) return l.size === r.size && [...l].every((x) => [...r].some((y) => spelEquals(x, y)));
  if (isPlainObject(l) && isPlainObject(r)) {
    const lk = Object.keys(l);
    return lk.length === Object.keys(r).length && lk.every((k) => propertyIsEnumerable.call(r, k) && spelEquals(l[k], r[k]));
  }
  return false;
}

/** Spring's StandardTypeComparator: null is smallest; numbers, strings, booleans, dates. */
export function spelCompare(l: unknown, r: unknown, at: number): number {
  if (typeof l === 'number' && typeof r === 'number') return l < r ? -1 : l > r ? 1 : 0;
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
