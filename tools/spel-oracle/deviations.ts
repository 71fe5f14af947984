/**
 * Generated cases where Banyan deliberately differs from Spring, with the reason (each also in
 * docs/expressions.md, "Deviations from Spring"). Keyed by `deviationKey`. The oracle test fails
 * on a disagreement not listed here, and on a listed case that agrees again, so the list stays
 * exact.
 */
const REFUSED = 'refused at compile time (NOT_SUPPORTED): rules cannot reach Java types, constructors, beans or assignment';

export const DEVIATIONS: Readonly<Record<string, string>> = {
  '-9223372036854775807L - 1': 'longs beyond 2^53 are not exact: a JavaScript number cannot hold 9223372036854775807, so the wrap lands elsewhere',
  '--i': REFUSED,
  'a = 1': REFUSED,
  '@bean': REFUSED,
  "new java.lang.StringBuilder('ab').length()": REFUSED,
  'T(java.lang.Math).abs(-1)': REFUSED,
  "'abc' instanceof T(String)": REFUSED,
  'i instanceof T(Integer)': REFUSED,
  "'ab' * -1": "Spring 6 semantics: a negative repeat count is EL1081E (Spring 4.3 gives '')",
  "'x' * 300": 'Spring 6 semantics: repeated text is capped at 256 characters, EL1076E (Spring 4.3 has no cap)',
  'Nested.inner.v': 'JSON objects are beans: a property name is case-insensitive on its first letter, as Java getters are (getNested())',
  'I GT 6': 'JSON objects are beans: a property name is case-insensitive on its first letter, as Java getters are (getI())',
};

export function deviationKey(c: { readonly expr: string; readonly mode?: string }): string {
  return c.mode === 'template' ? `template:${c.expr}` : c.expr;
}
