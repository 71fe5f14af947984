import { Type } from 'typebox';

export const TemplateInput = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,99}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    parametersSchema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema (draft-07 / 2019-09 subset Ajv supports) of the parameters object' }),
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
      Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          description: Type.Optional(Type.String({ maxLength: 2000 })),
          startsAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
          endsAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
          priority: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
          exclusivityGroup: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, examples: [{ templateId: 'deposit-match', parameters: { matchPercent: 50, maxBonus: 200, currency: 'USD' } }] },
);
