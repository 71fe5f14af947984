import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../types.js';
import { DRL_EXAMPLES } from './examples.js';
import { compileDrl, validateDrl } from './index.js';

const FRAGMENTS = [
  'rule',
  '"r"',
  'when',
  'then',
  'end',
  'Customer(',
  'Transaction(',
  'Number(',
  ')',
  '(',
  ',',
  '$c',
  ':',
  '$x',
  'from',
  'accumulate(',
  'count(1)',
  'not',
  'exists',
  'or',
  'and',
  '&&',
  '||',
  '==',
  '<',
  '>=',
  'in',
  'contains',
  'matches',
  '"(a+)+"',
  'memberOf',
  'null',
  'annualIncome',
  'transactionHistory',
  '.',
  'amount',
  '10000',
  '0.5',
  '-',
  '/',
  '*',
  'result.setEligible(true);',
  'result.put("k",',
  'salience',
  '5',
  'enabled',
  'false',
  'date-effective',
  '"01-Jan-2026"',
  'constructor',
  '__proto__',
  ';',
  '"',
  "'",
  '/*',
  '#',
  '\n',
];

const customerArb = fc.record(
  {
    customerId: fc.oneof(fc.string(), fc.constant(null)),
    annualIncome: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
    creditScore: fc.oneof(fc.integer({ min: 300, max: 900 }), fc.boolean()),
    accountBalance: fc.anything(),
    transactionHistory: fc.oneof(fc.array(fc.record({ amount: fc.oneof(fc.integer(), fc.string()), type: fc.string() })), fc.anything()),
  },
  { requiredKeys: [] },
);

function onlyEngineErrors(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
  }
}

describe('robustness (property-based)', () => {
  it('random text: compile throws only EngineError and validate never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.constantFrom(...FRAGMENTS)).map((a) => a.join(' ')),
        ),
        (src) => {
          onlyEngineErrors(() => compileDrl(src));
          expect(Array.isArray(validateDrl(src))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random customers against the example rule sets: only EngineError', () => {
    const sets = Object.values(DRL_EXAMPLES).map((src) => compileDrl(src));
    sets.push(
      compileDrl(`rule "x" when $c : Customer( $i : annualIncome ) Transaction( amount > $i / 100, type matches "D.*" ) from $c.transactionHistory
        then result.setDiscountAmount($i * 0.01); result.put("id", $c.customerId); end`),
    );
    fc.assert(
      fc.property(customerArb, (customer) => {
        for (const rs of sets) onlyEngineErrors(() => rs.fire(customer, { now: new Date() }));
      }),
      { numRuns: 500 },
    );
  });

  it('mutated example sources: only EngineError', () => {
    const sources = Object.values(DRL_EXAMPLES);
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 5 }), (src, at, cut, insert) => {
        const i = at % src.length;
        const mutated = src.slice(0, i) + insert + src.slice(i + cut);
        onlyEngineErrors(() => compileDrl(mutated).fire({ annualIncome: 1, transactionHistory: [{ amount: 20000 }] }, { now: new Date() }));
      }),
      { numRuns: 1000 },
    );
  });
});
