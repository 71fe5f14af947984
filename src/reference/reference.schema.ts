import { Type, type Static } from 'typebox';
import { MODES, SOURCES } from './queries.js';

export const DatasetParam = Type.Object({
  dataset: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[a-z0-9][a-z0-9_-]*$',
    description: '`customer-blacklist`, `product-holdings`, or any dataset name',
  }),
});

export const ImportQuery = Type.Object({
  mode: Type.Union([Type.Literal('replace'), Type.Literal('append')], {
    default: 'replace',
    description: 'replace: the file becomes the dataset; append: rows are added (generic datasets: same key → replaced)',
  }),
  keyColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Generic datasets: the key column (default: the first column)' })),
});

export const ImportResult = Type.Object({
  dataset: Type.String(),
  kind: Type.String(),
  mode: Type.String(),
  imported: Type.Integer(),
  removed: Type.Integer(),
  totalRows: Type.Integer(),
});

export const DatasetSummary = Type.Object({
  dataset: Type.String(),
  kind: Type.String({ description: 'BLACKLIST, PRODUCT_HOLDINGS or REFERENCE' }),
  rows: Type.Integer(),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

export const NamedQueryInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    source: Type.Union(SOURCES.map((s) => Type.Literal(s))),
    mode: Type.Union(MODES.map((m) => Type.Literal(m))),
    parameters: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      maxItems: 5,
      description:
        'Filterable fields the node passes (BLACKLIST: customerId, source; PRODUCT_HOLDINGS: customerId, productType, productId, status; REFERENCE: dataset, key)',
    }),
    filters: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 50 }), Type.String({ maxLength: 200 }), { description: 'Fixed equality filters on the same fields' }),
    ),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  {
    additionalProperties: false,
    examples: [
      { name: 'has-mortgage', source: 'PRODUCT_HOLDINGS', mode: 'EXISTS', parameters: ['customerId'], filters: { productType: 'MORTGAGE', status: 'ACTIVE' } },
    ],
  },
);
export type NamedQueryInput = Static<typeof NamedQueryInput>;

export const NamedQueryView = Type.Object({
  name: Type.String(),
  source: Type.String(),
  mode: Type.String(),
  parameters: Type.Array(Type.String()),
  filters: Type.Record(Type.String(), Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  builtIn: Type.Boolean(),
});
export type NamedQueryView = Static<typeof NamedQueryView>;
