import { banyanFault, fault } from '../errors.js';
import { isForbiddenName } from '../parser/forbidden.js';
import { isDecimal, isNumeric, JavaDouble } from './numbers.js';
import { isPlainObject, propertyIsEnumerable, typeName } from './values.js';

function flipFirst(name: string): string {
  const c = name.charAt(0);
  const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  return flipped + name.slice(1);
}

/**
 * `target.name`. Only own enumerable properties are readable; a missing one is Spring's EL1008E
 * (Java beans fail on unknown properties), while an indexer `['name']` on a map yields null.
 */
export function readProperty(target: unknown, name: string, at: number): unknown {
  if (target === null || target === undefined) {
    throw fault(at, 'PROPERTY_OR_FIELD_NOT_READABLE_ON_NULL', `Property or field '${name}' cannot be found on null`);
  }
  // A JSON array is a java.util.List: it has no properties (not even `length`; `size()` is a
  // method), so any name on it is EL1008E, as in Spring.
  if (typeof target === 'object' && !Array.isArray(target)) {
    if (target instanceof Map) {
      if (target.has(name)) return target.get(name) ?? null;
    } else if (!isDecimal(target) && !(target instanceof Date) && !(target instanceof Set) && !(target instanceof JavaDouble)) {
      if (propertyIsEnumerable.call(target, name)) return (target as Record<string, unknown>)[name] ?? null;
      // Java bean names are case-insensitive on the first letter: getCity() serves `city` and `City`.
      const alt = flipFirst(name);
      if (propertyIsEnumerable.call(target, alt)) return (target as Record<string, unknown>)[alt] ?? null;
    }
  }
  throw fault(
    at,
    'PROPERTY_OR_FIELD_NOT_READABLE',
    `Property or field '${name}' cannot be found on object of type '${typeName(target)}' - maybe not public or not valid?`,
  );
}

function toIndex(key: unknown, at: number): number {
  const n = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : isNumeric(key) ? Number(key) : NaN;
  if (!Number.isInteger(n)) throw fault(at, 'TYPE_CONVERSION_ERROR', `Cannot convert index '${String(key)}' to an int`);
  return n;
}

/** `target[key]` on strings, lists, sets, maps and objects. */
export function readIndex(target: unknown, key: unknown, at: number): unknown {
  if (target === null || target === undefined) throw fault(at, 'CANNOT_INDEX_INTO_NULL_VALUE', 'Cannot index into a null value');
  if (typeof target === 'string') {
    const i = toIndex(key, at);
    if (i < 0 || i >= target.length) {
      throw fault(at, 'STRING_INDEX_OUT_OF_BOUNDS', `The string has '${target.length}' characters, index '${i}' is invalid`);
    }
    return target.charAt(i);
  }
  if (Array.isArray(target) || target instanceof Set) {
    const list: readonly unknown[] = Array.isArray(target) ? target : [...target];
    const i = toIndex(key, at);
    if (i < 0 || i >= list.length) {
      throw fault(at, 'COLLECTION_INDEX_OUT_OF_BOUNDS', `The collection has '${list.length}' elements, index '${i}' is invalid`);
    }
    return list[i] ?? null;
  }
  if (target instanceof Map) return target.get(key) ?? null;
  if (isPlainObject(target)) {
    const name = typeof key === 'string' ? key : isNumeric(key) ? String(key) : undefined;
    if (name === undefined) throw fault(at, 'INDEXING_NOT_SUPPORTED_FOR_TYPE', `Cannot index a map with '${typeName(key)}'`);
    if (isForbiddenName(name)) throw banyanFault(at, 'NOT_SUPPORTED', `'${name}' is not accessible`);
    return propertyIsEnumerable.call(target, name) ? (target[name] ?? null) : null;
  }
  throw fault(at, 'INDEXING_NOT_SUPPORTED_FOR_TYPE', `Indexing into type '${typeName(target)}' is not supported`);
}
