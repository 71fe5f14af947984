import { describe, expect, it } from 'vitest';
import { compileTree, validateStrategy, validateTree, type TreeDefinition } from '../../src/engine/index.js';
import { calc } from './helpers.js';

const now = new Date('2026-01-01T08:00:00Z');

const tree = (description: string): TreeDefinition => ({
  name: 'templated description',
  rootNode: {
    nodeId: 'vip',
    nodeType: 'CONDITION',
    configuration: { commandType: 'SPEL_CONDITION', expression: "#{accountType == 'VIP'}" },
    children: [calc('cash', 'FIXED_AMOUNT', { discountAmount: 500, validDays: 30, promotionName: '開戶禮', description })],
  },
});

describe('offer descriptions are SpEL templates (Spring TemplateParserContext)', () => {
  const customer = { accountType: 'VIP', name: '王小明' };

  it('Given a description with #{…} parts, When the tree runs on every path, Then the offer and customer values are filled in', async () => {
    const t = compileTree(tree('#{name}：回饋 #{amount} 元，到期 #{validUntil}'));
    const expected = '王小明：回饋 500 元，到期 2026-01-31T08:00:00';
    expect(t.evaluate(customer, { now, recordSteps: false }).result.description).toBe(expected);
    expect(t.evaluate(customer, { now }).result.description).toBe(expected);
    expect((await t.evaluateAsync(customer, { now })).result.description).toBe(expected);
    // Not cached across customers, although the amount is constant.
    expect(t.evaluate({ ...customer, name: '林' }, { now, recordSteps: false }).result.description).toBe('林：回饋 500 元，到期 2026-01-31T08:00:00');
  });

  it('Given a description without #{, Then it is the text itself (braces and # included)', () => {
    const t = compileTree(tree('Save {10}% # today'));
    expect(t.evaluate(customer, { now }).result.description).toBe('Save {10}% # today');
  });

  it('Given a broken description template, Then validation names parameters.description', () => {
    expect(validateStrategy('FIXED_AMOUNT', { discountAmount: 1, description: 'x #{amount' })).toEqual([
      expect.objectContaining({ code: 'INVALID_PARAMETER', field: 'parameters.description', message: expect.stringContaining('description:') }),
    ]);
    expect(validateTree(tree('x #{amount +}')).length).toBeGreaterThan(0);
  });
});
