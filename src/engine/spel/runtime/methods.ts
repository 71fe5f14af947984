import { sizeUnits } from '../../budget.js';
import { banyanFault, fault } from '../errors.js';
import type { ResultType } from '../../types.js';
import { isNumeric } from './numbers.js';
import { asIterable, isPlainObject, javaEquals, javaString, ownValue, typeName } from './values.js';

/**
 * The only methods an expression may call, by receiver kind, with their result type. Anything
 * else is refused at compile time: Java reflection has no JavaScript equivalent worth exposing.
 */
export const STRING_METHODS: Readonly<Record<string, ResultType>> = {
  length: 'number',
  isEmpty: 'boolean',
  contains: 'boolean',
  toUpperCase: 'string',
  toLowerCase: 'string',
  startsWith: 'boolean',
  endsWith: 'boolean',
  substring: 'string',
  trim: 'string',
  equals: 'boolean',
  equalsIgnoreCase: 'boolean',
  indexOf: 'number',
  lastIndexOf: 'number',
  charAt: 'string',
  concat: 'string',
  replace: 'string',
};
export const LIST_METHODS: Readonly<Record<string, ResultType>> = {
  size: 'number',
  isEmpty: 'boolean',
  contains: 'boolean',
  get: 'unknown',
  indexOf: 'number',
};
export const MAP_METHODS: Readonly<Record<string, ResultType>> = {
  size: 'number',
  isEmpty: 'boolean',
  containsKey: 'boolean',
  containsValue: 'boolean',
  get: 'unknown',
  keySet: 'list',
  values: 'list',
};

export function isWhitelistedMethod(name: string): boolean {
  return Object.hasOwn(STRING_METHODS, name) || Object.hasOwn(LIST_METHODS, name) || Object.hasOwn(MAP_METHODS, name);
}

export function methodResultType(name: string): ResultType {
  const types = [STRING_METHODS[name], LIST_METHODS[name], MAP_METHODS[name]].filter((t): t is ResultType => t !== undefined);
  return types.length > 0 && types.every((t) => t === types[0]) ? (types[0] as ResultType) : 'unknown';
}

/** Methods whose cost does not grow with the receiver (they are charged as one step). */
const CONSTANT_TIME: ReadonlySet<string> = new Set(['length', 'isEmpty', 'charAt', 'size', 'get']);

/**
 * Work units of a method call beyond its one step: what it scans (the receiver, a string
 * argument, the result it builds). A map receiver costs its size, since its entries are listed.
 */
export function methodUnits(name: string, target: unknown, args: readonly unknown[]): number {
  if (typeof target === 'string') {
    if (CONSTANT_TIME.has(name)) return 0;
    let units = sizeUnits(target);
    for (const a of args) units += sizeUnits(a);
    return name === 'replace' ? units * 2 : units;
  }
  if (Array.isArray(target)) return name === 'contains' || name === 'indexOf' ? target.length : 0;
  if (target instanceof Map || target instanceof Set) return target.size;
  if (typeof target === 'object' && target !== null) {
    let n = 0;
    for (const _ in target) n++;
    return n;
  }
  return 0;
}

class NoSuchMethod {}
const NO_SUCH = new NoSuchMethod();

function str(v: unknown): string {
  if (typeof v !== 'string') throw NO_SUCH;
  return v;
}
/** A `String` parameter Spring fills by conversion: a number or boolean becomes its text. */
function text(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || isNumeric(v)) return javaString(v);
  return str(v);
}
function int(v: unknown): number {
  const n = isNumeric(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw NO_SUCH;
  return n;
}

/** Java String.trim(): strips code units <= U+0020 only. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

function stringMethod(s: string, name: string, args: readonly unknown[], maxLength: number, at: number): unknown {
  const [a, b] = args;
  const n = args.length;
  switch (name) {
    case 'length':
      if (n === 0) return s.length;
      break;
    case 'isEmpty':
      if (n === 0) return s.length === 0;
      break;
    case 'contains':
      if (n === 1) return s.includes(str(a));
      break;
    case 'toUpperCase':
      if (n === 0) return s.toUpperCase();
      break;
    case 'toLowerCase':
      if (n === 0) return s.toLowerCase();
      break;
    case 'startsWith':
      if (n === 1) return s.startsWith(text(a));
      break;
    case 'endsWith':
      if (n === 1) return s.endsWith(text(a));
      break;
    case 'trim':
      if (n === 0) return javaTrim(s);
      break;
    case 'equals':
      if (n === 1) return s === a;
      break;
    case 'equalsIgnoreCase':
      if (n === 1) return typeof a === 'string' && s.toLowerCase() === a.toLowerCase();
      break;
    case 'indexOf':
      if (n === 1) return s.indexOf(str(a));
      break;
    case 'lastIndexOf':
      if (n === 1) return s.lastIndexOf(str(a));
      break;
    case 'charAt':
      if (n === 1) return boundedSlice(s, int(a), int(a) + 1, at);
      break;
    case 'substring':
      if (n === 1) return boundedSlice(s, int(a), s.length, at);
      if (n === 2) return boundedSlice(s, int(a), int(b), at);
      break;
    case 'concat':
      if (n === 1) return capped(s + text(a), maxLength, at);
      break;
    case 'replace':
      if (n === 2) return capped(s.split(str(a)).join(str(b)), maxLength, at);
      break;
  }
  throw NO_SUCH;
}

function boundedSlice(s: string, from: number, to: number, at: number): string {
  if (from < 0 || to > s.length || from > to) {
    throw fault(at, 'EXCEPTION_DURING_METHOD_INVOCATION', `String index out of range: begin ${from}, end ${to}, length ${s.length}`);
  }
  return s.slice(from, to);
}

function capped(s: string, maxLength: number, at: number): string {
  if (s.length > maxLength) throw banyanFault(at, 'LIMIT_EXCEEDED', `String length exceeds the limit of ${maxLength}`);
  return s;
}

function listMethod(list: readonly unknown[], name: string, args: readonly unknown[], at: number): unknown {
  const [a] = args;
  const n = args.length;
  switch (name) {
    case 'size':
      if (n === 0) return list.length;
      break;
    case 'isEmpty':
      if (n === 0) return list.length === 0;
      break;
    case 'contains':
      if (n === 1) return list.some((x) => javaEquals(x, a));
      break;
    case 'indexOf':
      if (n === 1) return list.findIndex((x) => javaEquals(x, a));
      break;
    case 'get':
      if (n === 1) {
        const i = int(a);
        if (i < 0 || i >= list.length) throw fault(at, 'EXCEPTION_DURING_METHOD_INVOCATION', `Index ${i} out of bounds for length ${list.length}`);
        return list[i] ?? null;
      }
      break;
  }
  throw NO_SUCH;
}

function mapMethod(entries: readonly (readonly [unknown, unknown])[], name: string, args: readonly unknown[]): unknown {
  const [a] = args;
  const n = args.length;
  switch (name) {
    case 'size':
      if (n === 0) return entries.length;
      break;
    case 'isEmpty':
      if (n === 0) return entries.length === 0;
      break;
    case 'containsKey':
      if (n === 1) return entries.some(([k]) => javaEquals(k, a));
      break;
    case 'containsValue':
      if (n === 1) return entries.some(([, v]) => javaEquals(v, a));
      break;
    case 'get':
      if (n === 1) return entries.find(([k]) => javaEquals(k, a))?.[1] ?? null;
      break;
    case 'keySet':
      if (n === 0) return entries.map(([k]) => k);
      break;
    case 'values':
      if (n === 0) return entries.map(([, v]) => v);
      break;
  }
  throw NO_SUCH;
}

/** Calls a whitelisted method; a wrong receiver or signature is Spring's METHOD_NOT_FOUND. */
export function callMethod(target: unknown, name: string, args: readonly unknown[], maxLength: number, at: number): unknown {
  if (target === null || target === undefined) {
    throw fault(at, 'METHOD_CALL_ON_NULL_OBJECT_NOT_ALLOWED', `Method call: Attempted to call method ${name}() on null context object`);
  }
  try {
    if (typeof target === 'string') return stringMethod(target, name, args, maxLength, at);
    const list = asIterable(target);
    if (list) return listMethod(list, name, args, at);
    if (target instanceof Map) return mapMethod([...target], name, args);
    if (isPlainObject(target))
      return mapMethod(
        Object.keys(target).map((k) => [k, ownValue(target, k)] as const),
        name,
        args,
      );
  } catch (e) {
    if (e !== NO_SUCH) throw e;
  }
  const argTypes = args.map((x) => typeName(x)).join(', ');
  throw fault(at, 'METHOD_NOT_FOUND', `Method call: Method ${name}(${argTypes}) cannot be found on type ${typeName(target)}`);
}
