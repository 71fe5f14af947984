import { Type, type Static, type TSchema } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/**
 * Paging as Spring Data's `Pageable` resolves it (PageableHandlerMethodArgumentResolver and
 * SortHandlerMethodArgumentResolver, Spring Data 2.x/3.x defaults), because clients of the Java
 * service send Spring's parameters and read Spring's page object:
 *
 * - `page` (0-based): missing → 0, not an integer → 0, negative → 0. Never refused.
 * - `size`: missing, not an integer or below 1 → the default (20); above {@link MAX_PAGE_SIZE}
 *   (Spring's `max-page-size`, 2000) → clamped to it. Never refused.
 * - `sort=property[,property…][,asc|desc]`, repeatable, direction case-insensitive, default asc;
 *   a parameter naming no property is ignored. A property the endpoint cannot sort by is a 400
 *   INVALID_REQUEST naming it, worded as Spring Data's PropertyReferenceException
 *   ("No property 'x' found for type 'DecisionTree'"), which Spring would otherwise turn into a 500.
 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 2000;

export const PageQuery = {
  page: Type.Integer({ minimum: 0, default: 0, description: 'Page number, 0-based; invalid or negative → 0 頁碼 (0 起算，無效或負數視為 0)' }),
  size: Type.Integer({
    minimum: 1,
    default: DEFAULT_PAGE_SIZE,
    description: `Page size; invalid or < 1 → ${DEFAULT_PAGE_SIZE}, above ${MAX_PAGE_SIZE} → ${MAX_PAGE_SIZE} 每頁筆數 (超過 ${MAX_PAGE_SIZE} 以 ${MAX_PAGE_SIZE} 計)`,
  }),
};

/** The `sort` parameter of an endpoint that sorts by `properties` (API field names). */
export function SortQuery(properties: readonly string[]) {
  return {
    sort: Type.Optional(
      Type.Array(Type.String({ maxLength: 200 }), {
        maxItems: 20,
        description: `Sort as Spring Data: \`property[,asc|desc]\`, repeatable. Properties: ${properties.join(', ')} 排序欄位`,
      }),
    ),
  };
}

export type SortDirection = 'ASC' | 'DESC';

export interface SortOrder {
  readonly property: string;
  readonly direction: SortDirection;
}

/** Parse Spring's `sort` parameters; `allowed` are the properties this endpoint can sort by. */
export function parseSort(raw: readonly string[] | string | undefined, allowed: readonly string[], typeName: string): SortOrder[] {
  const params = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  const orders: SortOrder[] = [];
  for (const param of params) {
    const elements = param.split(',').map((e) => e.trim());
    const last = elements[elements.length - 1]?.toLowerCase();
    const direction: SortDirection | undefined = last === 'asc' ? 'ASC' : last === 'desc' ? 'DESC' : undefined;
    const properties = (direction ? elements.slice(0, -1) : elements).filter((p) => p !== '');
    for (const property of properties) {
      if (!allowed.includes(property)) {
        throw new AppError(
          'INVALID_REQUEST',
          { zh: `無法依 '${property}' 排序: ${typeName} 沒有此屬性`, en: `No property '${property}' found for type '${typeName}'` },
          { errors: [{ field: 'sort', message: `No property '${property}' found for type '${typeName}'`, code: 'PROPERTY_REFERENCE' }] },
        );
      }
      orders.push({ property, direction: direction ?? 'ASC' });
    }
  }
  return orders;
}

function firstValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** Spring's parseAndApplyBoundaries: an int, else 0; negative → 0; above `upper` → `upper`. */
function parseBounded(value: unknown, upper: number): number | undefined {
  const text = firstValue(value);
  if (text === undefined || text === '') return undefined;
  const str = String(text).trim();
  if (!/^[+-]?\d+$/.test(str)) return 0;
  const parsed = Number(str);
  // Java's Integer.parseInt fails above 2^31-1, which Spring answers with 0.
  if (!Number.isSafeInteger(parsed) || parsed > 2_147_483_647 || parsed < -2_147_483_648) return 0;
  return parsed < 0 ? 0 : Math.min(parsed, upper);
}

/** Rewrite `page`/`size` of a query string the way Spring resolves them (see above). */
export function normalisePageQuery(query: Record<string, unknown>): void {
  if ('page' in query) {
    const page = parseBounded(query.page, 2_147_483_647);
    if (page === undefined) delete query.page;
    else query.page = page;
  }
  if ('size' in query) {
    const size = parseBounded(query.size, MAX_PAGE_SIZE);
    if (size === undefined) delete query.size;
    else query.size = size < 1 ? DEFAULT_PAGE_SIZE : size;
  }
}

function hasPageQuery(schema: unknown): boolean {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties !== undefined && 'page' in properties && 'size' in properties;
}

/**
 * Apply Spring's page/size resolution before validation on every route whose querystring has
 * `page` and `size`, so the schema (and the document) stay typed integers and nothing is refused.
 */
export function registerPaging(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!hasPageQuery(route.schema?.querystring)) return;
    const normalise = async (request: FastifyRequest) => {
      if (request.query && typeof request.query === 'object') normalisePageQuery(request.query as Record<string, unknown>);
    };
    const existing = route.preValidation;
    route.preValidation = existing === undefined ? [normalise] : [normalise, ...(Array.isArray(existing) ? existing : [existing])];
  });
}

const SortObject = Type.Object({ empty: Type.Boolean(), sorted: Type.Boolean(), unsorted: Type.Boolean() });

/** Spring Data's Page JSON (PageImpl as Jackson writes it), plus `page` (= number) kept for Banyan's earlier clients. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    content: Type.Array(item),
    pageable: Type.Object({
      sort: SortObject,
      offset: Type.Integer(),
      pageNumber: Type.Integer(),
      pageSize: Type.Integer(),
      paged: Type.Boolean(),
      unpaged: Type.Boolean(),
    }),
    last: Type.Boolean(),
    totalElements: Type.Integer(),
    totalPages: Type.Integer(),
    size: Type.Integer(),
    number: Type.Integer({ description: 'Page number, 0-based' }),
    sort: SortObject,
    first: Type.Boolean(),
    numberOfElements: Type.Integer(),
    empty: Type.Boolean(),
    page: Type.Integer({ description: 'Same as number (Banyan addition)' }),
  });
}

export interface SpringSort {
  readonly empty: boolean;
  readonly sorted: boolean;
  readonly unsorted: boolean;
}

export interface Page<T> {
  readonly content: T[];
  readonly pageable: {
    readonly sort: SpringSort;
    readonly offset: number;
    readonly pageNumber: number;
    readonly pageSize: number;
    readonly paged: true;
    readonly unpaged: false;
  };
  readonly last: boolean;
  readonly totalElements: number;
  readonly totalPages: number;
  readonly size: number;
  readonly number: number;
  readonly sort: SpringSort;
  readonly first: boolean;
  readonly numberOfElements: number;
  readonly empty: boolean;
  readonly page: number;
}

export function pageOf<T>(content: T[], page: number, size: number, total: number, sort: readonly SortOrder[] = []): Page<T> {
  const sorted = sort.length > 0;
  const sortObject = { empty: !sorted, sorted, unsorted: !sorted };
  const totalPages = Math.ceil(total / size);
  return {
    content,
    pageable: { sort: sortObject, offset: page * size, pageNumber: page, pageSize: size, paged: true, unpaged: false },
    // Spring: last = !hasNext(), i.e. page + 1 >= totalPages.
    last: page + 1 >= totalPages,
    totalElements: total,
    totalPages,
    size,
    number: page,
    sort: sortObject,
    first: page === 0,
    numberOfElements: content.length,
    empty: content.length === 0,
    page,
  };
}

export type PageParams = Static<ReturnType<typeof Type.Object<typeof PageQuery>>>;
