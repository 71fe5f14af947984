import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agreement, evaluateWithBanyan, type Fixture } from '../../../tools/spel-oracle/compare.js';
import { DEVIATIONS, deviationKey } from '../../../tools/spel-oracle/deviations.js';

/**
 * Differential test against real Spring: test/fixtures/spel-oracle/cases.json holds what Spring's
 * SpelExpressionParser answered for each generated case (`npm run spel:oracle` regenerates it;
 * see its SOURCE.md). No Java is needed here: Banyan must give the same answer.
 */
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/spel-oracle/cases.json', import.meta.url), 'utf8')) as Fixture;

const differ = new Map<string, string>();
for (const c of fixture.cases) {
  const why = agreement(c.spring, evaluateWithBanyan(c.expr, c.mode, fixture.root));
  if (why !== undefined) differ.set(deviationKey(c), `${c.id}: ${why}`);
}

describe('SpEL agrees with real Spring on the generated oracle cases', () => {
  it('Given at least 1,000 cases from the Spring oracle, the fixture covers every family', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(1000);
    const families = new Set(fixture.cases.map((c) => c.id.split('-')[0]));
    expect([...families].sort()).toEqual(['coll', 'logic', 'num', 'seed', 'str', 'syntax', 'tpl']);
  });

  it('When Banyan evaluates them, it agrees with Spring on at least 99.5 %', () => {
    const rate = (fixture.cases.length - differ.size) / fixture.cases.length;
    expect(rate).toBeGreaterThanOrEqual(0.995);
  });

  it('Then every disagreement is a documented deviation, and every listed deviation still differs', () => {
    const unexpected = [...differ].filter(([key]) => DEVIATIONS[key] === undefined).map(([, why]) => why);
    expect(unexpected).toEqual([]);
    const healed = Object.keys(DEVIATIONS).filter((key) => !differ.has(key));
    expect(healed).toEqual([]);
  });
});
