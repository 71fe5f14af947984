/**
 * Named, parameterized, read-only queries over Banyan's reference tables. A tree names a query and
 * passes parameters; it never carries SQL. A query is data: a source table, a mode, the parameters
 * it takes and fixed filters — each field a whitelisted column (see reference.repository.ts).
 */
import type { Diagnostic } from '../engine/types.js';

export const SOURCES = ['BLACKLIST', 'PRODUCT_HOLDINGS', 'REFERENCE'] as const;
export type QuerySource = (typeof SOURCES)[number];
export const MODES = ['EXISTS', 'LIST', 'COUNT', 'FIRST'] as const;
export type QueryMode = (typeof MODES)[number];

/** The fields a query may filter on, per source (API name → column). */
export const FILTERABLE: Readonly<Record<QuerySource, Readonly<Record<string, string>>>> = {
  BLACKLIST: { customerId: 'customer_id', source: 'source' },
  PRODUCT_HOLDINGS: { customerId: 'customer_id', productType: 'product_type', productId: 'product_id', status: 'status' },
  REFERENCE: { dataset: 'dataset', key: 'row_key' },
};

export interface NamedQuery {
  readonly name: string;
  readonly source: QuerySource;
  readonly mode: QueryMode;
  /** Parameters the node must pass (each a FILTERABLE field of the source). */
  readonly parameters: readonly string[];
  /** Fixed equality filters. */
  readonly filters: Readonly<Record<string, string>>;
  readonly description: string | null;
  readonly builtIn: boolean;
}

export const BUILT_IN_QUERIES: readonly NamedQuery[] = [
  {
    name: 'blacklist-check',
    source: 'BLACKLIST',
    mode: 'EXISTS',
    parameters: ['customerId'],
    filters: {},
    description: '黑名單檢查: is the customer on customer_blacklist?',
    builtIn: true,
  },
  {
    name: 'product-holdings',
    source: 'PRODUCT_HOLDINGS',
    mode: 'LIST',
    parameters: ['customerId'],
    filters: {},
    description: '產品持有狀況: the customer’s products (all statuses).',
    builtIn: true,
  },
  {
    name: 'has-product',
    source: 'PRODUCT_HOLDINGS',
    mode: 'EXISTS',
    parameters: ['customerId', 'productType'],
    filters: { status: 'ACTIVE' },
    description: 'Does the customer hold an ACTIVE product of that type?',
    builtIn: true,
  },
  {
    name: 'reference-lookup',
    source: 'REFERENCE',
    mode: 'FIRST',
    parameters: ['dataset', 'key'],
    filters: {},
    description: 'One row of an imported dataset by its key.',
    builtIn: true,
  },
];

export const BUILT_IN_BY_NAME: ReadonlyMap<string, NamedQuery> = new Map(BUILT_IN_QUERIES.map((q) => [q.name, q]));

/** The audit `queryType` of a source. */
export const QUERY_TYPE: Readonly<Record<QuerySource, string>> = { BLACKLIST: 'BLACKLIST', PRODUCT_HOLDINGS: 'PRODUCT_HOLDINGS', REFERENCE: 'REFERENCE' };

export function checkQuery(query: Pick<NamedQuery, 'source' | 'mode' | 'parameters' | 'filters'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const allowed = FILTERABLE[query.source];
  const fields = Object.keys(allowed).join(', ');
  query.parameters.forEach((p, i) => {
    if (!Object.hasOwn(allowed, p))
      out.push({ code: 'INVALID_PARAMETER', field: `parameters[${i}]`, message: `${query.source} cannot be filtered by '${p}'; allowed: ${fields}` });
    if (Object.hasOwn(query.filters, p))
      out.push({ code: 'INVALID_PARAMETER', field: `parameters[${i}]`, message: `'${p}' is both a parameter and a fixed filter` });
  });
  if (new Set(query.parameters).size !== query.parameters.length)
    out.push({ code: 'INVALID_PARAMETER', field: 'parameters', message: 'parameters must be distinct' });
  for (const f of Object.keys(query.filters)) {
    if (!Object.hasOwn(allowed, f))
      out.push({ code: 'INVALID_PARAMETER', field: `filters.${f}`, message: `${query.source} cannot be filtered by '${f}'; allowed: ${fields}` });
  }
  if (query.parameters.length + Object.keys(query.filters).length === 0)
    out.push({ code: 'INVALID_PARAMETER', field: 'parameters', message: 'a query needs at least one parameter or filter (no full-table reads)' });
  return out;
}
