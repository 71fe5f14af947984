import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const leaf = {
  nodeId: 'offer',
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { promotionName: 'x', discountAmount: 1 } },
};
const treeWith = (configuration: Record<string, unknown>) => ({
  name: `refs ${Math.random()}`,
  status: 'DRAFT',
  rootNode: { nodeId: 'outside', nodeType: 'CONDITION', configuration, children: [leaf] },
});

describe(`references of outside-reaching nodes are checked when a tree is written (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });
  const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/management/decision-trees', headers: AS_MANAGER, payload: body as object });

  it('Given the demo systems, queries and rules, When a tree refers to them correctly, Then it is stored', async () => {
    for (const configuration of [
      {
        commandType: 'EXTERNAL_SYSTEM',
        system: 'credit-bureau',
        resultVariable: 'creditBureau',
        condition: '#{#creditBureau.score >= 700}',
        onUnavailable: 'FALSE',
      },
      { commandType: 'DATABASE_QUERY', query: 'blacklist-check', params: { customerId: '#{customerId}' }, matchWhen: 'NOT_FOUND' },
      { commandType: 'DROOLS_RULE', ruleName: 'VIP高收入 (Drools)' },
    ]) {
      const res = await post(treeWith(configuration));
      expect(res.statusCode, JSON.stringify(res.json())).toBe(201);
    }
  });

  it('Given unknown systems, queries or rules, or SpEL that does not compile, When the tree is written, Then 400 VALIDATION_FAILED names the node and field, and nothing is stored', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/api/v1/management/decision-trees', headers: AS_MANAGER })).json().data.totalElements;
    const cases: [Record<string, unknown>, string][] = [
      [{ commandType: 'EXTERNAL_SYSTEM', system: 'no-such-bureau' }, 'configuration.system'],
      [{ commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', condition: '#{#creditBureau.score >=}' }, 'configuration.condition'],
      [{ commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', onUnavailable: 'MAYBE' }, 'configuration.onUnavailable'],
      [{ commandType: 'DATABASE_QUERY', query: 'drop-tables' }, 'configuration.query'],
      [{ commandType: 'DATABASE_QUERY', query: 'blacklist-check', params: { customerId: '#{customerId +}' } }, 'configuration.params.customerId'],
      [{ commandType: 'DROOLS_RULE', ruleName: 'nobody' }, 'configuration.ruleName'],
    ];
    for (const [configuration, field] of cases) {
      const res = await post(treeWith(configuration));
      expect(res.statusCode, JSON.stringify(configuration)).toBe(400);
      const body = res.json();
      expect(body.errorCode).toBe('VALIDATION_FAILED');
      expect(body.message).toContain('outside');
      expect(body.errors[0]).toMatchObject({ nodeId: 'outside', field: `rootNode.${field}` });
    }
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/management/decision-trees', headers: AS_MANAGER })).json().data.totalElements;
    expect(after).toBe(before);
  });
});
