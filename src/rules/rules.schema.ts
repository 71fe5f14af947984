import { Type, type Static } from 'typebox';
import { MAX_AMOUNT, MAX_VALID_DAYS } from '../engine/index.js';

/**
 * A rule's parameters: free-form, but the documented offer fields have their types and bounds
 * (docs/bank-api.md "Bounds"), so `discountAmount: 1e308` or `validDays: 1e12` is refused.
 */
const RuleParameters = Type.Unsafe<Record<string, unknown>>(
  Type.Object(
    {
      discountAmount: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_AMOUNT })),
      maxDiscount: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_AMOUNT })),
      discountPercentage: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      validDays: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_VALID_DAYS })),
    },
    { additionalProperties: true, maxProperties: 100 },
  ),
);

export const RuleType = Type.Union([Type.Literal('SPEL'), Type.Literal('DROOLS'), Type.Literal('HARDCODED')]);
export const RuleStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')]);

export const RuleInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    ruleType: RuleType,
    ruleContent: Type.String({ minLength: 1, maxLength: 100_000 }),
    parameters: Type.Optional(RuleParameters),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    status: Type.Optional(RuleStatus),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: '新戶開戶優惠',
        ruleType: 'SPEL',
        ruleContent: '#{creditScore > 600 and accountType == "一般"}',
        parameters: { discountAmount: 1000, validDays: 30 },
        status: 'ACTIVE',
      },
    ],
  },
);
export type RuleInput = Static<typeof RuleInput>;

export const RuleStatusInput = Type.Object({ status: RuleStatus }, { additionalProperties: false });

export const RuleView = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  name: Type.String(),
  ruleType: Type.String(),
  ruleContent: Type.String(),
  parameters: Type.Union([Type.Record(Type.String(), Type.Any()), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type RuleView = Static<typeof RuleView>;
