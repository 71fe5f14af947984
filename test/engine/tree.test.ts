import { describe, expect, it } from 'vitest';
import { CUST001 } from '../../src/evaluation/examples.js';
import { jsonLogicPromotionTree } from '../../src/demo/jsonlogic-trees.js';
import { compileTree, EngineError, validateTree, type CommandHandler, type TreeDefinition } from '../../src/engine/index.js';
import { calc, jcond } from './helpers.js';

const now = new Date('2025-11-06T19:50:55Z');
// Seed 002's documented example customer, the one the API docs and the demo use.
const cust001 = CUST001;

describe('promotion decision tree (JSONLogic conditions)', () => {
  const tree = compileTree(jsonLogicPromotionTree);

  it('answers CUST001 exactly as the seed document does', () => {
    const { result, path, steps } = tree.evaluate(cust001, { now });
    expect(result).toEqual({
      promotionId: 'promo-vip-001',
      promotionName: 'VIP專屬優惠',
      promotionType: 'VIP',
      discountAmount: 5000,
      discountPercentage: 10,
      description: 'VIP客戶專屬高額優惠',
      validUntil: '2026-02-06T19:50:55',
      additionalDetails: { tier: 'VIP', category: 'premium' },
      eligible: true,
    });
    expect(path).toEqual(['root', 'vip-branch', 'vip-income', 'calc-vip-high']);
    expect(steps.map((s) => [s.stepOrder, s.nodeId, s.output === true || s.output === false ? s.output : 'offer'])).toEqual([
      [1, 'root', true],
      [2, 'vip-branch', true],
      [3, 'vip-income', true],
      [4, 'calc-vip-high', 'offer'],
    ]);
    expect(steps[2]?.input).toEqual({ annualIncome: 2000000 });
  });

  it('picks the higher tier and the else-branch siblings', () => {
    expect(tree.evaluate({ ...cust001, annualIncome: 6000000 }, { now }).result.discountAmount).toBe(12000);
    expect(tree.evaluate({ ...cust001, annualIncome: 6000000 }, { now }).result.discountPercentage).toBe(15);
    const vipRegular = tree.evaluate({ ...cust001, annualIncome: 100 }, { now });
    expect(vipRegular.path).toEqual(['root', 'vip-branch', 'calc-vip-regular']);
    expect(vipRegular.result.discountAmount).toBe(2000);
  });

  it('computes percentage with cap, and progressive brackets, in decimal HALF_UP', () => {
    const plat = { ...cust001, accountType: 'PLATINUM', creditScore: 710 };
    expect(tree.evaluate({ ...plat, accountBalance: 123456.79 }, { now }).result.discountAmount).toBe(1851.85); // 1851.85185
    expect(tree.evaluate({ ...plat, accountBalance: 900000 }, { now }).result.discountAmount).toBe(3000); // capped
    const regular = { ...cust001, accountType: '一般', transactionHistory: [1, 2, 3, 4] };
    // 100000×0.1% + 400000×0.2% + 100000×0.3% = 100 + 800 + 300
    expect(tree.evaluate({ ...regular, accountBalance: 600000 }, { now }).result.discountAmount).toBe(1200);
    expect(tree.evaluate({ ...regular, accountBalance: 12345.67 }, { now }).result.discountAmount).toBe(12.35);
    expect(tree.evaluate({ ...regular, transactionHistory: [] }, { now }).result.promotionId).toBe('promo-new-001');
  });

  it('returns the default result when no branch matches', () => {
    const { result, path } = tree.evaluate({ ...cust001, accountType: 'GOLD' }, { now });
    expect(result).toEqual({
      promotionId: null,
      promotionName: null,
      promotionType: null,
      discountAmount: null,
      discountPercentage: null,
      description: null,
      validUntil: null,
      additionalDetails: {},
      eligible: false,
    });
    expect(path).toEqual([]);
  });

  it('can skip timing and steps', () => {
    const timed = tree.evaluate(cust001, { now });
    const untimed = tree.evaluate(cust001, { now, trace: false });
    expect(untimed.steps.every((s) => s.durationMs === 0)).toBe(true);
    expect(untimed.result).toEqual(timed.result);
    expect(tree.evaluate(cust001, { now, recordSteps: false }).steps).toEqual([]);
  });
});

describe('traversal semantics', () => {
  const t = (rootNode: TreeDefinition['rootNode']): TreeDefinition => ({ name: 't', rootNode });

  it('backtracks to the next sibling when a true condition yields nothing', () => {
    const tree = compileTree(
      t(
        jcond('root', true, [
          jcond('a', true, [jcond('a1', false, [calc('x', 'FIXED_AMOUNT', { discountAmount: 1 })])]),
          jcond('b', true), // true leaf without children: no offer
          calc('c', 'FIXED_AMOUNT', { discountAmount: 7, promotionId: 'c' }),
        ]),
      ),
    );
    const { result, path, steps } = tree.evaluate({}, { now });
    expect(result.promotionId).toBe('c');
    expect(path).toEqual(['root', 'c']);
    expect(steps.map((s) => s.nodeId)).toEqual(['root', 'a', 'a1', 'b', 'c']);
  });

  it('treats a tier that is not reached as no offer and continues', () => {
    const tree = compileTree(
      t(
        jcond('root', true, [
          calc('tiers', 'TIERED_DISCOUNT', { tiers: [{ threshold: 100, discountAmount: 1 }] }),
          calc('fallback', 'FIXED_AMOUNT', { discountAmount: 2 }),
        ]),
      ),
    );
    expect(tree.evaluate({ annualIncome: 50 }, { now }).result.discountAmount).toBe(2);
    expect(tree.evaluate({ annualIncome: 150 }, { now }).result.discountAmount).toBe(1);
  });

  it('records a failing expression as a FAILED step and treats it as false', () => {
    const tree = compileTree(
      t(
        jcond('root', true, [
          jcond('boom', { throw: 'bad data' }, [calc('x', 'FIXED_AMOUNT', { discountAmount: 1 })]),
          calc('y', 'FIXED_AMOUNT', { discountAmount: 2 }),
        ]),
      ),
    );
    const { result, steps } = tree.evaluate({}, { now });
    expect(result.discountAmount).toBe(2);
    expect(steps[1]).toMatchObject({ nodeId: 'boom', status: 'FAILED', error: 'bad data' });
  });

  it('names nodes without nodeId by their position', () => {
    const tree = compileTree(
      t({
        nodeType: 'CONDITION',
        configuration: { commandType: 'JSONLOGIC_CONDITION', expression: true },
        children: [{ nodeType: 'CALCULATION', configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { discountAmount: 3 } } }],
      }),
    );
    expect(tree.evaluate({}, { now }).path).toEqual(['root', 'root/0']);
  });

  it('exposes node parameters as #param_ variables, and host variables', () => {
    const tree = compileTree(
      t({
        ...jcond('root', { '>=': [{ var: 'score' }, { variable: 'param_min' }] }, [calc('x', 'FIXED_AMOUNT', { discountAmount: 1 })]),
        configuration: { commandType: 'JSONLOGIC_CONDITION', expression: { '>=': [{ var: 'score' }, { variable: 'param_min' }] }, parameters: { min: 600 } },
      }),
    );
    expect(tree.evaluate({ score: 650 }, { now }).result.eligible).toBe(true);
    expect(tree.evaluate({ score: 550 }, { now }).result.eligible).toBe(false);
    const hosted = compileTree(t(jcond('root', { '==': [{ variable: 'channel' }, 'app'] }, [calc('x', 'FIXED_AMOUNT', { discountAmount: 1 })])));
    expect(hosted.evaluate({}, { now, variables: { channel: 'app' } }).result.eligible).toBe(true);
    expect(hosted.evaluate({}, { now }).steps[0]?.input).toEqual({ '#channel': null });
  });

  it('computes FORMULA in money mode with JSONLogic', () => {
    const tree = compileTree(
      t(calc('f', 'FORMULA', { language: 'jsonlogic', formula: '{"money.mul": [{"var": "accountBalance"}, {"variable": "param_rate"}]}', rate: 0.015 })),
    );
    expect(tree.evaluate({ accountBalance: 333333 }, { now }).result.discountAmount).toBe(5000); // 4999.995 → HALF_UP
  });
});

describe('host commands', () => {
  const bureau: CommandHandler = {
    execute: async (node, ctx) => ({
      matched: true,
      output: { score: (ctx.customer.creditScore as number) + 10 },
      input: { customerId: ctx.customer.customerId },
    }),
  };
  const def: TreeDefinition = {
    name: 'bureau',
    rootNode: {
      nodeId: 'bureau',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', resultVariable: 'creditBureau' },
      children: [jcond('score', { '>=': [{ variable: 'creditBureau.score' }, 700] }, [calc('ok', 'FIXED_AMOUNT', { discountAmount: 9 })])],
    },
  };

  it('delegates to the handler, stores resultVariable, and is async only', async () => {
    const tree = compileTree(def, { commands: { EXTERNAL_SYSTEM: bureau } });
    expect(tree.isAsync).toBe(true);
    expect(() => tree.evaluate({ creditScore: 695 }, { now: now })).toThrow(EngineError);
    const { result, steps } = await tree.evaluateAsync({ creditScore: 695, customerId: 'C1' }, { now });
    expect(result.discountAmount).toBe(9);
    expect(steps[0]).toMatchObject({ nodeId: 'bureau', commandType: 'EXTERNAL_SYSTEM', input: { customerId: 'C1' }, output: { score: 705 } });
    expect(steps[1]?.input).toEqual({ '#creditBureau': { score: 705 } });
  });

  it('passes now and the host slot to the handler, and carries its records to the step (not in the output)', async () => {
    const seen: { now?: Date; host?: unknown }[] = [];
    const recording: CommandHandler = {
      execute: (_node, ctx) => {
        seen.push({ now: ctx.now, host: ctx.host });
        return { matched: true, output: { score: 720 }, records: { note: 'one call' } as never };
      },
    };
    const tree = compileTree(def, { commands: { EXTERNAL_SYSTEM: recording } });
    const host = { marker: 'host' } as never;
    const { steps } = await tree.evaluateAsync({ creditScore: 1 }, { now, host });
    expect(seen).toEqual([{ now, host }]);
    expect(steps[0]).toMatchObject({ nodeId: 'bureau', status: 'SUCCESS', output: { score: 720 }, records: { note: 'one call' } });
    expect(steps[1]).not.toHaveProperty('records');
  });

  it('records a handler that throws (sync or async) as a FAILED step and goes on', async () => {
    for (const execute of [
      () => {
        throw new Error('down');
      },
      async () => {
        throw new Error('down');
      },
    ]) {
      const tree = compileTree(def, { commands: { EXTERNAL_SYSTEM: { execute } } });
      const { result, steps } = await tree.evaluateAsync({ creditScore: 1 }, { now });
      expect(result.eligible).toBe(false);
      expect(steps).toEqual([expect.objectContaining({ nodeId: 'bureau', status: 'FAILED', error: 'down', output: null })]);
    }
  });

  it('times steps with the injected clock only', async () => {
    let t = 0;
    const clock = (): number => (t += 5);
    const tree = compileTree(def, { commands: { EXTERNAL_SYSTEM: bureau } });
    const timed = await tree.evaluateAsync({ creditScore: 695 }, { now, clock });
    expect(timed.steps.map((s) => s.durationMs)).toEqual([5, 5, 5]);
    const untimed = await tree.evaluateAsync({ creditScore: 695 }, { now });
    expect(untimed.steps.map((s) => s.durationMs)).toEqual([0, 0, 0]);
    const sync = compileTree(jsonLogicPromotionTree).evaluate(cust001, { now, clock });
    expect(sync.steps.every((s) => s.durationMs > 0)).toBe(true);
  });

  it('reports a missing handler as a diagnostic', () => {
    expect(validateTree(def)).toEqual([
      expect.objectContaining({ nodeId: 'bureau', code: 'INVALID_TREE', message: expect.stringContaining('EXTERNAL_SYSTEM') }),
    ]);
  });
});

describe('validateTree', () => {
  it('reports every problem with its node', () => {
    const bad = {
      name: 'bad',
      rootNode: {
        nodeId: 'root',
        nodeType: 'CONDITION',
        configuration: { commandType: 'JSONLOGIC_CONDITION', expression: { and: [true, { '>=': [{ foo: 1 }, 2] }] } },
        children: [
          {
            nodeId: 'dup',
            nodeType: 'CALCULATION',
            configuration: { commandType: 'CALCULATION', strategyType: 'PERCENTAGE_DISCOUNT', parameters: { discountPercentage: 150 } },
          },
          {
            nodeId: 'dup',
            nodeType: 'CALCULATION',
            configuration: { commandType: 'SPEL_CONDITION', strategyType: 'NOPE' },
            children: [{ nodeType: 'CONDITION', configuration: { commandType: 'JSONLOGIC_CONDITION', expression: true } }],
          },
          {
            nodeId: 'tiers',
            nodeType: 'CALCULATION',
            configuration: {
              commandType: 'CALCULATION',
              strategyType: 'TIERED_DISCOUNT',
              parameters: {
                tiers: [
                  { threshold: 5, discountAmount: 1 },
                  { threshold: 2, discountAmount: 2 },
                ],
              },
            },
          },
        ],
      },
    };
    const d = validateTree(bad);
    expect(d).toContainEqual(expect.objectContaining({ nodeId: 'root', code: 'UNKNOWN_FUNCTION', path: '$.and[1].>=[0]' }));
    expect(d).toContainEqual(
      expect.objectContaining({ nodeId: 'dup', field: 'parameters.discountPercentage', message: 'discountPercentage must be between 0 and 100, got 150' }),
    );
    expect(d).toContainEqual(expect.objectContaining({ nodeId: 'dup', field: 'nodeId', message: expect.stringContaining('duplicate nodeId') }));
    expect(d).toContainEqual(expect.objectContaining({ nodeId: 'dup', field: 'configuration.commandType' }));
    expect(d).toContainEqual(expect.objectContaining({ nodeId: 'dup', field: 'children', message: expect.stringContaining('leaf') }));
    expect(d).toContainEqual(
      expect.objectContaining({ nodeId: 'tiers', field: 'parameters.tiers[1].threshold', message: expect.stringContaining('ascending') }),
    );
    expect(() => compileTree(bad as unknown as TreeDefinition)).toThrow(expect.objectContaining({ code: 'INVALID_TREE', diagnostics: d }));
  });
});
