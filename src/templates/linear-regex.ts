/**
 * Tenant JSON Schemas run on the event loop of every tenant, so none of their regular
 * expressions may backtrack: `{"pattern": "^(a+)+$"}` with 31 characters blocked the loop for
 * 5 s (issue 10, item 2). Ajv compiles `pattern` and `patternProperties` with RE2 (re2js:
 * linear time, no backreferences or lookaround) instead of JavaScript's RegExp, and the format
 * validators are made linear too: a format regex RE2 can compile runs on RE2; the few that need
 * lookahead (duration, url, hostname) and the function formats (date-time, uri…) keep their
 * fixed, vetted code but only see strings up to MAX_FORMAT_LENGTH characters.
 */
import type { Ajv } from 'ajv';
import type { AddedFormat, RegExpEngine } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

/** Longest string a format validator is given; longer values fail the format. */
export const MAX_FORMAT_LENGTH = 2048;

function compile(pattern: string, flags: string): RE2JS {
  return RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
}

/** Ajv's `code.regExp`: RE2 behind Ajv's RegExp-like interface (`test`, and `toString` as cache key). */
export const re2RegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const re = compile(pattern, flags);
    return { test: (s: string) => re.test(s), toString: () => `/${pattern}/${flags}` };
  },
  { code: 'RE2JS.compile' },
);

/** A problem with a schema regex, as a field path (`parametersSchema.properties.code.pattern`) and message. */
export interface PatternProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Every `pattern` / `patternProperties` regex in a schema that RE2 cannot compile, with its
 * path, so a template write answers 400 naming the place instead of Ajv's bare compile error.
 */
export function unsupportedPatterns(schema: unknown, path = 'parametersSchema'): PatternProblem[] {
  const problems: PatternProblem[] = [];
  const check = (pattern: string, field: string): void => {
    try {
      compile(pattern, 'u');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      problems.push({
        field,
        message: `${field}: the regular expression ${JSON.stringify(pattern)} is not supported (linear-time RE2 syntax only: no lookaround or backreferences): ${why}`,
      });
    }
  };
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${at}[${i}]`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      const here = `${at}.${key}`;
      if (key === 'pattern' && typeof value === 'string') check(value, here);
      else if (key === 'patternProperties' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const [p, sub] of Object.entries(value)) {
          check(p, `${here}[${JSON.stringify(p)}]`);
          walk(sub, `${here}[${JSON.stringify(p)}]`);
        }
      } else walk(value, here);
    }
  };
  walk(schema, path);
  return problems;
}

type StringValidator = (s: string) => boolean;

function bounded(test: StringValidator): StringValidator {
  return (s) => s.length <= MAX_FORMAT_LENGTH && test(s);
}

function linearTest(re: RegExp): StringValidator {
  try {
    const linear = compile(re.source, re.flags);
    return bounded((s) => linear.test(s));
  } catch {
    // Lookahead: RE2 cannot run it; the fixed regex only ever sees a bounded string.
    return bounded((s) => re.test(s));
  }
}

/** Replaces every string format Ajv knows (ajv-formats' full set) by a linear or length-bounded one. */
export function useLinearFormats(ajv: Ajv): void {
  for (const [name, format] of Object.entries(ajv.formats)) {
    const replaced = linearFormat(format);
    if (replaced !== undefined) ajv.addFormat(name, replaced);
  }
}

function linearFormat(format: AddedFormat | undefined): AddedFormat | undefined {
  if (format instanceof RegExp) return linearTest(format);
  if (typeof format === 'function') return bounded(format);
  if (typeof format !== 'object' || format === null || format.async === true) return undefined;
  if (format.type === 'number') return undefined;
  const validate = format.validate;
  const test = validate instanceof RegExp ? linearTest(validate) : bounded(validate as StringValidator);
  return { ...format, validate: test } as AddedFormat;
}
