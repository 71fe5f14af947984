/**
 * Runs Spring's own SpEL test cases (vendored in test/fixtures/conformance/spel/spel-cases.json)
 * against Banyan's compiler. Shared by the conformance test and ad-hoc reporting.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../../src/engine/types.js';
import { compileSpel, SpelError } from '../../src/engine/spel/index.js';
import { javaString } from '../../src/engine/spel/runtime/values.js';
import { isWhitelistedMethod } from '../../src/engine/spel/runtime/methods.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CASES_FILE = path.resolve(repoRoot, 'test/fixtures/conformance/spel/spel-cases.json');

interface Expect {
  readonly compare?: string;
  readonly value?: unknown;
  readonly toString?: unknown;
  readonly requestedType?: string;
  readonly assertion?: string;
  readonly keys?: readonly string[];
  readonly length?: number;
  readonly extract?: string;
}
export interface SpelCase {
  readonly id: string;
  readonly expression: string;
  readonly root: string | Record<string, unknown>;
  readonly expect?: Expect;
  readonly expectError?: { readonly phase: 'parse' | 'evaluate'; readonly spelMessage: string; readonly position?: number };
  readonly contextOverride?: string;
  readonly variables?: Record<string, unknown>;
}
interface CasesFile {
  readonly roots: Record<string, { readonly value: unknown }>;
  readonly cases: readonly SpelCase[];
}

export function loadCases(): CasesFile {
  return JSON.parse(readFileSync(CASES_FILE, 'utf8')) as CasesFile;
}

/** JSON annotations → JS values: `$entries` → Map, `$items`/`$iterable` → list; other `$` keys dropped. */
export function toJs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toJs);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.$entries)) return new Map((o.$entries as [unknown, unknown][]).map(([k, x]) => [k, toJs(x)]));
  if (Array.isArray(o.$items)) return (o.$items as unknown[]).map(toJs);
  if (Array.isArray(o.$iterable)) return (o.$iterable as unknown[]).map(toJs);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) if (!k.startsWith('$')) out[k] = toJs(x);
  return out;
}

/** Why a case is outside Banyan's subset, or undefined if it is in. */
export function outOfSubset(c: SpelCase): string | undefined {
  if (c.contextOverride) return 'custom EvaluationContext/TypeConverter';
  if (c.expect?.requestedType) return 'Java type conversion of the result (getValue(Class))';
  const methods = [...c.expression.matchAll(/\.\s*([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] as string);
  const javaOnly = methods.filter((m) => !isWhitelistedMethod(m));
  if (javaOnly.length > 0 && c.expectError?.spelMessage !== 'METHOD_NOT_FOUND') return `Java-only method ${javaOnly.join(', ')}()`;
  return undefined;
}

function sameValue(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') return actual === expected || Math.abs(actual - expected) <= 1e-6 * Math.abs(expected);
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => sameValue(actual[i], x));
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    return Object.keys(e).length === Object.keys(a).length && Object.keys(e).every((k) => sameValue(a[k], e[k]));
  }
  return actual === expected;
}

function pick(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

function checkValue(result: unknown, e: Expect): string | undefined {
  let ok: boolean;
  switch (e.compare) {
    case 'javaToString':
      ok = javaString(result) === e.toString;
      break;
    case 'extract':
      ok = sameValue(pick(result, e.extract ?? ''), e.value);
      break;
    case 'extractEach':
      ok =
        Array.isArray(result) &&
        sameValue(
          result.map((x) => pick(x, e.extract ?? '')),
          e.value,
        );
      break;
    case 'mapKeys': {
      const keys = result instanceof Map ? [...result.keys()] : typeof result === 'object' && result !== null ? Object.keys(result) : undefined;
      ok = keys !== undefined && sameValue([...keys].sort(), [...(e.keys ?? [])].sort());
      break;
    }
    default:
      ok = e.assertion === 'hasSize' || e.length !== undefined ? typeof result === 'string' && result.length === e.length : sameValue(result, e.value ?? null);
  }
  return ok ? undefined : `got ${javaString(result)} (${JSON.stringify(result)})`;
}

/** Runs one case; returns undefined on pass or a failure description. */
export function runCase(c: SpelCase, roots: CasesFile['roots']): string | undefined {
  const root = c.root === 'none' ? null : toJs(typeof c.root === 'string' ? roots[c.root]?.value : c.root);
  const variables = c.variables ? (toJs(c.variables) as Record<string, unknown>) : undefined;
  let phase: 'parse' | 'evaluate' = 'parse';
  try {
    const expr = compileSpel(c.expression);
    phase = 'evaluate';
    const result = expr.evaluate(root, variables, { now: new Date() });
    if (c.expectError) return `expected ${c.expectError.spelMessage}, got value ${javaString(result)}`;
    return checkValue(result, c.expect ?? { value: null });
  } catch (err) {
    if (!(err instanceof EngineError)) return `non-EngineError thrown: ${String(err)}`;
    const want = c.expectError;
    if (!want) return `unexpected error ${err.code}: ${err.message}`;
    const got = err instanceof SpelError ? err.spelMessage : undefined;
    if (got !== want.spelMessage) return `expected ${want.spelMessage}, got ${got ?? err.code}: ${err.message}`;
    // Banyan may refuse earlier (at compile time) than Spring; never later.
    if (want.phase === 'parse' && phase !== 'parse') return 'expected a parse error, got an evaluation error';
    if (want.position !== undefined && err.position?.offset !== want.position) {
      return `expected position ${want.position}, got ${err.position?.offset}`;
    }
    return undefined;
  }
}
