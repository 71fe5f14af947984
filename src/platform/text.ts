/**
 * Text no database can store: U+0000 and unpaired UTF-16 surrogates. Shared by the HTTP layer
 * (one preValidation check for every route) and the bus consumers (trigger.<tenant>.user.*).
 */

/** What one bad string looks like to the client. */
export interface IllFormedText {
  readonly path: string;
  readonly reason: 'NUL character' | 'lone surrogate' | 'nesting too deep';
}

/** `events[1].playerId contains a NUL character` */
export const describeIllFormed = (found: IllFormedText): string =>
  found.reason === 'nesting too deep'
    ? `${found.path || 'input'} is nested deeper than ${MAX_DEPTH} levels`
    : `${found.path || 'input'} contains a ${found.reason}`;

/** Deeper input is refused as a whole: no API document nests anywhere near this. */
const MAX_DEPTH = 10_000;

/** In `u` mode a surrogate pair is one code point, so `\p{Cs}` matches only an unpaired surrogate. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const ILL_FORMED = /[\u0000\p{Cs}]/u;

function problemOf(text: string): IllFormedText['reason'] | undefined {
  const hit = ILL_FORMED.exec(text);
  if (!hit) return undefined;
  return hit[0] === '\u0000' ? 'NUL character' : 'lone surrogate';
}

/**
 * The first string (value or object key) holding a NUL or a lone surrogate, with its path
 * (`events[1].data.note`). PostgreSQL cannot store either (text and jsonb refuse U+0000, UTF-8
 * has no encoding for a surrogate), and no field of this API needs them, so they are refused at
 * the door for every database. Iterative: a deeply nested body cannot exhaust the stack.
 */
export function findIllFormedText(value: unknown, root = ''): IllFormedText | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { value: v, path, depth } = item;
    if (typeof v === 'string') {
      const reason = problemOf(v);
      if (reason) return { path: path || root, reason };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) return { path, reason: 'nesting too deep' };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      const child = path ? `${path}.${key}` : key;
      const reason = problemOf(key);
      if (reason) return { path: child.replace(/[^\x20-\x7e]/g, '?'), reason };
      stack.push({ value: (v as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return undefined;
}

const ILL_FORMED_ALL = new RegExp(ILL_FORMED.source, 'gu');

/**
 * `text` with every NUL and lone surrogate written out as its escape (`\u0000`, `\ud800`), for
 * storing a copy of input that was refused (dead letters): readable, and storable everywhere.
 */
export function escapeIllFormed(text: string): string {
  return text.replace(ILL_FORMED_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON value with `escapeIllFormed` applied to every string and key (depth-bounded). */
export function storableJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return escapeIllFormed(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 64) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => storableJson(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeIllFormed(k), storableJson(v, depth + 1)]));
}
