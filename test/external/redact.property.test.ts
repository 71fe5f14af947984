import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, secretScrubber } from '../../src/external/redact.js';

/** Every string and object key anywhere in a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      out.push(key);
      strings(inner, out);
    }
  }
  return out;
}

/** A JSON value with the secret planted in strings and keys (alone, repeated, between noise, escaped, encoded). */
const planted = (secret: string) =>
  fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}${secret}${b}`),
      fc.tuple(fc.string(), fc.nat({ max: 3 })).map(([a, n]) => `${a}${secret.repeat(n + 1)}${a}`),
      fc.constant(JSON.stringify(secret).slice(1, -1)),
      fc.constant(encodeURIComponent(secret)),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string(), fc.constant(`k${secret}`)), tie('node'), { maxKeys: 4 }),
    ),
  })).node;

describe('secret scrubber properties (issue 10.1)', () => {
  it('Given any secret planted anywhere in any JSON value, When scrubbed, Then no string or key contains it (also when the secret overlaps the mask)', () => {
    const secret = fc.oneof(
      fc.string({ minLength: 1, maxLength: 24 }),
      fc.string({ unit: fc.constantFrom('a', '*', '"', '\\', '%'), minLength: 1, maxLength: 8 }),
    );
    fc.assert(
      fc.property(
        secret.chain((s) => fc.tuple(fc.constant(s), planted(s))),
        ([s, value]) => {
          const scrubbed = secretScrubber([s])(value);
          for (const text of strings(scrubbed)) expect(text.includes(s), JSON.stringify({ s, text })).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('Given no secret occurs, When scrubbed, Then the value is unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(secretScrubber(['never-in-this-value-\u0001'])(value)).toEqual(value);
      }),
    );
    expect(secretScrubber(['tok'])({ a: 'Bearer tok' })).toEqual({ a: `Bearer ${REDACTED}` });
    // The property's counterexample: an own "__proto__" key (as JSON.parse makes it) stays an own key.
    const echoed = JSON.parse('{"__proto__": {"polluted": "tok"}}') as Record<string, unknown>;
    const scrubbed = secretScrubber(['tok'])(echoed);
    expect(Object.getPrototypeOf(scrubbed)).toBe(Object.prototype);
    expect(Object.keys(scrubbed)).toEqual(['__proto__']);
    expect(JSON.stringify(scrubbed)).toBe(`{"__proto__":{"polluted":"${REDACTED}"}}`);
  });
});
