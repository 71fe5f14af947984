/**
 * Names that would reach JavaScript's object machinery or Java reflection. Refused wherever a
 * name can appear (property, method, constant indexer, map key) so no expression can climb to
 * `Function` via `constructor.constructor` or pollute `Object.prototype`.
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'class',
  'getClass',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

export function isForbiddenName(name: string): boolean {
  return FORBIDDEN_NAMES.has(name);
}
