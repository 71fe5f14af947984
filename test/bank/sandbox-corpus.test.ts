/**
 * The expression sandbox corpus (issue 10, "Done when"): every expression language — SpEL,
 * JSONLogic, Drools DRL, reward formulas — runs inside decision trees over HTTP against
 * pathological inputs up to the evaluate body cap. Each evaluation must end within its deadline
 * (generously: deadline + 200 ms on a loaded machine) with a clear refusal recorded in its
 * decision step (EVALUATION_BUDGET_EXCEEDED, or LIMIT_EXCEEDED from the size-charged step limit),
 * while a lightweight request on the same server is answered within 100 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, AS_AUDITOR, AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const DEADLINE_MS = 50;
const BODY_CAP = 262_144;
const ENDS_WITHIN_MS = DEADLINE_MS + 200;
const CONCURRENT_WITHIN_MS = 100;

/** 10 000 transactions (the schema's maximum), about 200 KB of JSON: under the 256 KB cap. */
const history = Array.from({ length: 10_000 }, (_, i) => ({ id: `t${String(i).padStart(5, '0')}` }));
/** Long strings travel in a documented field (extension fields are capped at 8 KB): the first transaction's note. */
const withNote = (note: string) => [{ id: 't-note', note }, ...history.slice(1)];
const customer = (extra: Record<string, unknown> = {}) => ({ customerId: 'CORPUS', transactionHistory: history, ...extra });

const offer = (id: string) => ({
  nodeId: `${id}-offer`,
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { promotionId: id, discountAmount: 1 } },
});
const spel = (nodeId: string, expression: string) => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'SPEL_CONDITION', expression },
  children: [offer(nodeId)],
});
const jsonlogic = (nodeId: string, expression: unknown) => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'JSONLOGIC_CONDITION', expression },
  children: [offer(nodeId)],
});
const formula = (nodeId: string, f: string) => ({
  nodeId,
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType: 'FORMULA', parameters: { promotionId: nodeId, formula: f } },
});
const drools = (nodeId: string, ruleName: string) => ({
  nodeId,
  nodeType: 'CONDITION',
  configuration: { commandType: 'DROOLS_RULE', ruleName },
  children: [offer(nodeId)],
});
const root = (children: unknown[]) => ({
  nodeId: 'root',
  nodeType: 'CONDITION',
  configuration: { commandType: 'JSONLOGIC_CONDITION', expression: true },
  children,
});

const QUADRATIC_DRL = `package corpus;
rule "contains-from"
when
  $c : Customer( )
  $t : Transaction( $i : id ) from $c.transactionHistory
  Customer( transactionHistory contains $i )
then
  result.setEligible(true);
end
`;

/**
 * Enough expensive nodes that only the deadline stops the tree: each stays under the step limit
 * (300 × 300 = 90 000 units, a few ms), forty of them take several times the deadline.
 */
const manyHeavyNodes = Array.from({ length: 40 }, (_, i) =>
  spel(`heavy-${i}`, `#{transactionHistory.?[#root.transactionHistory.?[id == 'none-${i}'].size() > 0].size() > 0}`),
);
const shortHistory = history.slice(0, 300);

interface Case {
  readonly name: string;
  readonly tree: unknown;
  readonly body: Record<string, unknown>;
  /** Codes a refusal may carry (in the FAILED decision step's error). */
  readonly codes: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'SpEL selection × contains (quadratic)',
    tree: root([spel('n', "#{transactionHistory.![id].?[!#root.transactionHistory.![id + '!'].contains(#this)].size() > 0}")]),
    body: customer(),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'SpEL `in` inside a selection',
    tree: root([spel('n', '#{transactionHistory.?[id in #root.transactionHistory].size() > 0}')]),
    body: customer(),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'SpEL projection of a huge list into strings (concat blow-up)',
    tree: root([spel('n', "#{transactionHistory.![#root.transactionHistory + 'x'].size() > 0}")]),
    body: customer(),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'SpEL nested quantifier on long strings',
    tree: root([spel('n', "#{transactionHistory.?[#root.transactionHistory[0].note matches '^(a+)+$'].size() > 0}")]),
    body: customer({ transactionHistory: withNote(`${'a'.repeat(9_000)}!`) }),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'JSONLogic some × in (cross product)',
    tree: root([jsonlogic('n', { some: [{ var: 'transactionHistory' }, { in: [{ cat: [{ var: 'id' }, '!'] }, { val: [[2], 'transactionHistory'] }] }] })]),
    body: customer(),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'JSONLogic map × cat (string blow-up)',
    tree: root([
      jsonlogic('n', {
        some: [
          { map: [{ var: 'transactionHistory' }, { cat: [{ val: [[2], 'transactionHistory', 0, 'note'] }, { val: [[2], 'transactionHistory', 0, 'note'] }] }] },
          { '==': [{ var: '' }, 'x'] },
        ],
      }),
    ]),
    body: customer({ transactionHistory: withNote('b'.repeat(40_000)) }),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'JSONLogic nested filters over the whole list',
    tree: root([
      jsonlogic('n', { some: [{ var: 'transactionHistory' }, { some: [{ val: [[2], 'transactionHistory'] }, { '==': [{ var: 'id' }, 'none'] }] }] }),
    ]),
    body: customer(),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'Drools contains … from',
    tree: root([drools('n', 'corpus-contains-from')]),
    body: customer(),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'reward formula over nested selections (decimal mode)',
    tree: root([formula('n', "#sum(transactionHistory.![#root.transactionHistory.?[id == 'none'].size() * 1.5])")]),
    body: customer(),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'a deeply nested payload stringified per element',
    tree: root([spel('n', "#{transactionHistory.![#root.deep + ''].size() < 0}")]),
    body: customer({ deep: JSON.parse(`${'['.repeat(1_000)}1${']'.repeat(1_000)}`) as unknown }),
    codes: ['LIMIT_EXCEEDED', 'EVALUATION_BUDGET_EXCEEDED'],
  },
  {
    name: 'a tree of many heavy nodes (only the deadline stops it)',
    tree: root(manyHeavyNodes),
    body: customer({ transactionHistory: shortHistory }),
    codes: ['EVALUATION_BUDGET_EXCEEDED'],
  },
];

describe(`expression sandbox corpus over HTTP (${DB_KIND})`, () => {
  let t: TestApp;
  const treeIds = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp({ EVALUATION_DEADLINE_MS: String(DEADLINE_MS), EVALUATE_BODY_LIMIT_BYTES: String(BODY_CAP) });
    const rule = await t.app.inject({
      method: 'POST',
      url: '/api/v1/management/promotion-rules',
      headers: AS_ADMIN,
      payload: { name: 'corpus-contains-from', ruleType: 'DROOLS', ruleContent: QUADRATIC_DRL, status: 'ACTIVE' },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    for (const c of CASES) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/management/decision-trees',
        headers: AS_MANAGER,
        payload: { name: `corpus ${c.name}`, status: 'ACTIVE', rootNode: c.tree } as object,
      });
      expect(res.statusCode, `${c.name}: ${res.body}`).toBe(201);
      treeIds.set(c.name, (res.json() as { data: { id: string } }).data.id);
    }
  });
  afterAll(async () => {
    await t.destroy();
  });

  const evaluate = (body: Record<string, unknown> | string, query = '') =>
    t.app.inject({ method: 'POST', url: `/api/v1/promotions/evaluate${query}`, payload: body, headers: { 'content-type': 'application/json' } });

  for (const c of CASES) {
    it(`Given ${c.name}, When evaluated, Then it ends within the deadline with a clear refusal while /actuator/health answers within ${CONCURRENT_WITHIN_MS} ms`, async () => {
      const body = { ...c.body, treeId: treeIds.get(c.name) };
      // Serialised once up front: the client's JSON.stringify is not the server's time.
      const payload = JSON.stringify(body);
      expect(payload.length).toBeLessThanOrEqual(BODY_CAP);
      // Warm-up: compile and JIT, so the bounds measure evaluation, not first use.
      for (let i = 0; i < 3; i++) await evaluate(payload, '?dryRun=true');
      // Timed: a dry run is the evaluation and the HTTP path without the audit trail's storage.
      // Three trials; the health bound is on the median (2 CPUs shared by several test runs).
      const healthMs: number[] = [];
      for (let trial = 0; trial < 3; trial++) {
        const started = performance.now();
        const heavy = evaluate(payload, '?dryRun=true').then((res) => ({ res, ms: performance.now() - started }));
        // Sent while the evaluation runs: answered as soon as the evaluation yields the event loop.
        const sent = performance.now();
        const health = t.app.inject({ method: 'GET', url: '/actuator/health' }).then((res) => ({ res, ms: performance.now() - sent }));
        const [h, e] = await Promise.all([health, heavy]);
        expect(e.res.statusCode, e.res.body).toBe(200);
        expect(e.res.json().data.eligible).toBe(false);
        expect(h.res.statusCode).toBeLessThan(600);
        expect(e.ms, 'evaluation time').toBeLessThan(ENDS_WITHIN_MS);
        healthMs.push(h.ms);
      }
      expect(healthMs.sort((a, b) => a - b)[1], `concurrent health check (${healthMs.map(Math.round).join(', ')} ms)`).toBeLessThan(CONCURRENT_WITHIN_MS);

      // Recorded: the decision steps say why (and their own durations stay within the bound too).
      const recorded = await evaluate(payload);
      expect(recorded.statusCode).toBe(200);
      const requestId = recorded.json().requestId as string;
      const steps = await t.app.inject({ method: 'GET', url: `/api/v1/audit/decisions?requestId=${requestId}&size=100`, headers: AS_AUDITOR });
      const rows = (steps.json() as { data: { content: { status: string; errorDetails: string | null; executionTimeMs: number | null }[] } }).data.content;
      expect(
        rows.reduce((n, r) => n + (r.executionTimeMs ?? 0), 0),
        'recorded evaluation time',
      ).toBeLessThan(ENDS_WITHIN_MS);
      const failed = rows.filter((r) => r.status === 'FAILED');
      expect(failed.length).toBeGreaterThan(0);
      const errors = failed.map((s) => s.errorDetails ?? '');
      // A step stores the message: the deadline's carries its code; the step limit's says "limit".
      const refusal = errors.find((d) => c.codes.some((code) => d.includes(code) || (code === 'LIMIT_EXCEEDED' && /limit|steps|nested too deeply/i.test(d))));
      expect(refusal, JSON.stringify(errors)).toBeDefined();
    });
  }

  it('Given a body over the evaluate cap (256 KB), When posted, Then 413 PAYLOAD_TOO_LARGE, while other routes keep the global limit', async () => {
    const big = { customerId: 'BIG', transactionHistory: Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, pad: 'x'.repeat(30) })) };
    expect(JSON.stringify(big).length).toBeGreaterThan(BODY_CAP);
    const res = await evaluate(big);
    expect(res.statusCode).toBe(413);
    expect(res.json().errorCode).toBe('PAYLOAD_TOO_LARGE');
    // The same size is accepted by a management route (global BODY_LIMIT_BYTES, 1 MB): validation answers, not the limit.
    const tree = await t.app.inject({
      method: 'POST',
      url: '/api/v1/management/decision-trees',
      headers: AS_MANAGER,
      payload: {
        name: 'x',
        rootNode: { nodeId: 'r', nodeType: 'CONDITION', configuration: { commandType: 'SPEL_CONDITION', expression: `#{'${'y'.repeat(300_000)}' == 'y'}` } },
      },
    });
    expect(tree.statusCode).not.toBe(413);
  });
});
