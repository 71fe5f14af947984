import { Type } from 'typebox';
import { CampaignInput } from '../campaigns/index.js';

export const TemplateInput = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,99}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    parametersSchema: Type.Record(Type.String(), Type.Unknown(), {
      description: 'JSON Schema (draft-07 / 2019-09 subset Ajv supports) of the parameters object',
    }),
    campaign: Type.Record(Type.String(), Type.Unknown(), { description: 'A campaign body with { "$param": "name" } placeholders' }),
  },
  { additionalProperties: false },
);

export const TemplateView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  builtIn: Type.Boolean(),
  parametersSchema: Type.Record(Type.String(), Type.Unknown()),
  campaign: Type.Record(Type.String(), Type.Unknown()),
});

export const FromTemplateInput = Type.Object(
  {
    templateId: Type.String({ minLength: 1, maxLength: 100 }),
    parameters: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
    overrides: Type.Optional(
      Type.Partial(CampaignInput, {
        additionalProperties: false,
        description: 'Any campaign field (name, schedule, limits, rules, priority …); each replaces the whole field of the template-built draft',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ templateId: 'deposit-match', parameters: { matchPercent: 50, maxBonus: 200, currency: 'USD' } }] },
);
