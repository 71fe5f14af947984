/**
 * How a Banyan evaluation is compared with Spring's (the committed oracle fixture). Shared by the
 * generator (which reports the agreement) and the vitest test (which enforces it).
 */
import { Decimal } from 'decimal.js';
import { compileSpel, spelResultText } from '../../src/engine/spel/index.js';
import { EngineError } from '../../src/engine/types.js';
import { SpelError, spelCode } from '../../src/engine/spel/errors.js';
import type { CaseMode } from './cases.js';

export type SpringOutcome =
  | { readonly ok: true; readonly value: unknown; readonly javaType: string; readonly text: string }
  | { readonly ok: false; readonly error: string; readonly message: string };

export interface FixtureCase {
  readonly id: string;
  readonly expr: string;
  readonly mode?: CaseMode;
  readonly spring: SpringOutcome;
}

export interface Fixture {
  readonly spring: string;
  readonly generated: string;
  readonly root: Record<string, unknown>;
  readonly cases: readonly FixtureCase[];
}

export type BanyanOutcome = { ok: true; value: unknown; text: string } | { ok: false; error: string; message: string };

/** JSON-able view of a Banyan value: Decimal → number, non-finite doubles tagged like the oracle does. */
function toJson(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $double: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
  if (v instanceof Decimal) return v.toNumber();
  if (Array.isArray(v) || v instanceof Set) return [...v].map(toJson);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x)]));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

/** Banyan's error code in Spring's terms: `EL…E` when Banyan names the Spring message. */
function errorCode(e: unknown): string {
  if (e instanceof SpelError && e.spelMessage !== undefined) return spelCode(e.spelMessage);
  if (e instanceof EngineError) return e.code;
  return `JS:${e instanceof Error ? e.name : typeof e}`;
}

export function evaluateWithBanyan(expr: string, mode: CaseMode | undefined, root: Record<string, unknown>): BanyanOutcome {
  try {
    const compiled = compileSpel(expr, { mode: mode ?? 'expression' });
    const options = { now: new Date() };
    const value = compiled.evaluate(root, undefined, options);
    return { ok: true, value: toJson(value), text: spelResultText(compiled, root, undefined, options) };
  } catch (e) {
    return { ok: false, error: errorCode(e), message: e instanceof Error ? e.message : String(e) };
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

// Spring's parse-time messages (EL1041E–EL1049E, EL1058E–EL1071E), Banyan's own syntax error and
// its compile-time refusal of constructs outside the subset.
const PARSE_ERROR = /^EL10(4[1-9]|5[89]|6\d|7[01])E$|^SYNTAX_ERROR$|^NOT_SUPPORTED$/;
// What Banyan reports where Spring lets a Java exception escape from a method or an indexer.
const JAVA_EXCEPTION_CODES: ReadonlySet<string> = new Set(['EL1024E', 'EL1025E', 'EL1026E', 'EL1029E']);

/**
 * Equivalent failures (docs/expressions.md, "Differential test against Spring"):
 * - Java's raw ArithmeticException for integer division by zero is Banyan's EVALUATION_ERROR;
 * - a raw index/bounds exception a Java method or list throws is Banyan's EL1024E–EL1029E;
 * - a NullPointerException (Spring 4.3 has a few, e.g. for an empty expression) is any error;
 * - parse errors agree by kind: both refuse to parse, whichever ELxxxx message each reports first
 *   (a recursive-descent parser names the first token it cannot use, Spring sometimes a later one).
 */
function sameError(spring: string, banyan: string): boolean {
  if (spring === banyan) return true;
  if (spring === 'java.lang.ArithmeticException') return banyan === 'EVALUATION_ERROR';
  if (/^java\.lang\.(Array|String)?IndexOutOfBoundsException$/.test(spring)) return JAVA_EXCEPTION_CODES.has(banyan);
  if (spring === 'java.lang.NullPointerException') return true;
  const springParse = spring === 'org.springframework.expression.ParseException' || PARSE_ERROR.test(spring);
  return springParse && PARSE_ERROR.test(banyan);
}

/**
 * Agreement: both fail with the same code, or both succeed with the same JSON value and the same
 * Java `String.valueOf` text (which tells `5` from `5.0`). Texts holding longs beyond 2^53 are
 * not compared digit for digit (JavaScript numbers cannot hold them; the values still are).
 */
export function agreement(spring: SpringOutcome, banyan: BanyanOutcome): string | undefined {
  if (!spring.ok) {
    if (banyan.ok) return `Spring fails with ${spring.error}; Banyan gives ${JSON.stringify(banyan.value)}`;
    return sameError(spring.error, banyan.error) ? undefined : `Spring fails with ${spring.error}; Banyan with ${banyan.error}`;
  }
  if (!banyan.ok) return `Spring gives ${spring.text}; Banyan fails with ${banyan.error}: ${banyan.message}`;
  if (!sameJson(spring.value, banyan.value)) return `Spring gives ${JSON.stringify(spring.value)}; Banyan ${JSON.stringify(banyan.value)}`;
  if (!/\d{16,}/.test(spring.text) && spring.text !== banyan.text) return `Spring prints ${spring.text}; Banyan ${banyan.text}`;
  return undefined;
}
