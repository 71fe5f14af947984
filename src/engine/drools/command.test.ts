import { describe, expect, it } from 'vitest';
import { EngineError, type ExecutionContext } from '../types.js';
import { PROMOTION_RULE_SET } from './examples.js';
import { compileDrl, createDroolsCommand } from './index.js';

const ruleSet = compileDrl(PROMOTION_RULE_SET);
const command = createDroolsCommand((name) => (ruleSet.has(name) ? ruleSet : undefined));
const context = (customer: Record<string, unknown>): ExecutionContext => ({ now: new Date(), customer, variables: {} });
const node = (ruleName: unknown) => ({ nodeId: 'n1', configuration: { commandType: 'DROOLS_RULE' as const, ruleName } });

describe('DROOLS_RULE command', () => {
  it('matches when the named rule fires and snapshots the customer fields it reads', async () => {
    const customer = { customerId: 'C1', region: '新北市', transactionCount: 60, creditScore: 700, accountBalance: 1, ignored: true };
    const outcome = await command.execute(node('雙北地區優惠'), context(customer));
    expect(outcome.matched).toBe(true);
    expect(outcome.input).toEqual({ region: '新北市', transactionCount: 60 });
    expect(outcome.output).toMatchObject({ fired: ['雙北地區優惠'], winner: '雙北地區優惠', result: { eligible: true, discountPercentage: 5 } });
  });

  it('does not match when the rule does not fire', async () => {
    const outcome = await command.execute(node('雙北地區優惠'), context({ region: '高雄市', transactionCount: 60 }));
    expect(outcome).toMatchObject({ matched: false, output: { fired: [], winner: null } });
  });

  it('refuses a missing or unknown rule name with INVALID_PARAMETER on the node', () => {
    for (const name of [undefined, '', 'no-such-rule']) {
      try {
        void command.execute(node(name), context({}));
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(EngineError);
        expect((err as EngineError).diagnostics[0]).toMatchObject({ code: 'INVALID_PARAMETER', nodeId: 'n1' });
      }
    }
  });

  it('uses the injected clock for date windows', async () => {
    const dated = compileDrl('rule "promo" date-expires "2026-01-01" when Customer() then result.setEligible(true); end');
    const at = (iso: string) => createDroolsCommand(() => dated, { now: () => new Date(iso) });
    expect((await at('2025-12-31T00:00:00Z').execute(node('promo'), context({}))).matched).toBe(true);
    expect((await at('2026-01-02T00:00:00Z').execute(node('promo'), context({}))).matched).toBe(false);
  });
});
