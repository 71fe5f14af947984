import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalisePageQuery, parseSort, pageOf } from '../../src/platform/paging.js';
import { AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const TREES = '/api/v1/management/decision-trees';
const RULES = '/api/v1/management/promotion-rules';
const HISTORY = '/api/v1/promotions/history';

interface SpringPage {
  content: { id: string; name: string; priority: number }[];
  [field: string]: unknown;
}

describe('Spring Pageable resolution (unit)', () => {
  it.each([
    [
      { page: '-1', size: '10' },
      { page: 0, size: 10 },
    ],
    [
      { page: 'abc', size: 'x' },
      { page: 0, size: 20 },
    ],
    [
      { page: '1.5', size: '0' },
      { page: 0, size: 20 },
    ],
    [
      { page: '99999999999', size: '-3' },
      { page: 0, size: 20 },
    ],
    [
      { page: '3', size: '1000' },
      { page: 3, size: 1000 },
    ],
    [
      { page: '2', size: '5000' },
      { page: 2, size: 2000 },
    ],
    [
      { page: ['4', '9'], size: ['7', '8'] },
      { page: 4, size: 7 },
    ],
    [{ page: '', size: '' }, {}],
  ])('Given page/size %j, When resolved as Spring does, Then %j', (query, expected) => {
    const q: Record<string, unknown> = { ...query };
    normalisePageQuery(q);
    expect(q).toEqual(expected);
  });

  it('Given repeatable sort parameters, When parsed, Then properties, directions (case-insensitive) and multi-property orders follow Spring', () => {
    expect(parseSort(['name,DESC', 'priority', 'id,version,Asc', 'desc', ''], ['name', 'priority', 'id', 'version'], 'T')).toEqual([
      { property: 'name', direction: 'DESC' },
      { property: 'priority', direction: 'ASC' },
      { property: 'id', direction: 'ASC' },
      { property: 'version', direction: 'ASC' },
    ]);
    expect(() => parseSort('bogus,desc', ['name'], 'DecisionTree')).toThrow("No property 'bogus' found for type 'DecisionTree'");
  });

  it('Given 5 elements in pages of 2, When the last page is built, Then Spring Page fields are right', () => {
    const page = pageOf(['e'], 2, 2, 5, [{ property: 'name', direction: 'ASC' }]);
    expect(page).toEqual({
      content: ['e'],
      pageable: { sort: { empty: false, sorted: true, unsorted: false }, offset: 4, pageNumber: 2, pageSize: 2, paged: true, unpaged: false },
      last: true,
      totalElements: 5,
      totalPages: 3,
      size: 2,
      number: 2,
      sort: { empty: false, sorted: true, unsorted: false },
      first: false,
      numberOfElements: 1,
      empty: false,
      page: 2,
    });
    expect(pageOf([], 0, 20, 0)).toMatchObject({ first: true, last: true, empty: true, totalPages: 0, sort: { sorted: false, unsorted: true, empty: true } });
  });
});

describe(`Spring-compatible paging over HTTP on ${DB_KIND}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });
  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: AS_MANAGER });
    return {
      status: res.statusCode,
      body: res.json<{ data: SpringPage; errorCode: string | null; message: string; errors?: { field: string; message: string }[] }>(),
    };
  };

  it('Given size=1000 (above the old maximum), When trees are listed, Then 200 with size 1000, not a 400', async () => {
    const res = await get(`${TREES}?size=1000`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ size: 1000, number: 0 });
  });

  it("Given size above Spring's max-page-size, When listed, Then it is clamped to 2000", async () => {
    for (const url of [`${TREES}?size=5000`, `${RULES}?size=100000`, `${HISTORY}?size=2001`]) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.body.data.size, url).toBe(2000);
    }
  });

  it('Given negative or invalid page and size, When listed, Then page 0 and the default size 20 as Spring answers', async () => {
    for (const url of [`${TREES}?page=-1&size=0`, `${TREES}?page=abc&size=abc`, `${HISTORY}?page=-5&size=-1`, `${RULES}?page=1.5`]) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.body.data, url).toMatchObject({ number: 0, size: 20, first: true });
    }
  });

  it('Given a list, When fetched, Then the page object has every Spring Data field', async () => {
    const res = await get(`${TREES}?page=1&size=2`);
    expect(Object.keys(res.body.data).sort()).toEqual(
      ['content', 'empty', 'first', 'last', 'number', 'numberOfElements', 'page', 'pageable', 'size', 'sort', 'totalElements', 'totalPages'].sort(),
    );
    expect(res.body.data).toMatchObject({
      number: 1,
      size: 2,
      first: false,
      numberOfElements: 2,
      empty: false,
      pageable: { pageNumber: 1, pageSize: 2, offset: 2, paged: true, unpaged: false, sort: { sorted: false, unsorted: true, empty: true } },
    });
  });

  it('Given sort=name,DESC, When trees are listed, Then they are in descending name order and sort says sorted', async () => {
    const res = await get(`${TREES}?sort=name,DESC&size=100`);
    expect(res.status).toBe(200);
    const names = res.body.data.content.map((tr) => tr.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    expect(res.body.data.sort).toEqual({ empty: false, sorted: true, unsorted: false });
    const asc = await get(`${TREES}?sort=priority,asc&sort=id,desc&size=100`);
    const priorities = asc.body.data.content.map((tr) => tr.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it('Given sort by a property the entity does not have, When listed, Then 400 INVALID_REQUEST naming it (Spring PropertyReferenceException wording)', async () => {
    for (const [url, type] of [
      [`${TREES}?sort=bogus,desc`, 'DecisionTree'],
      [`${RULES}?sort=nope`, 'PromotionRule'],
      [`${HISTORY}?sort=customerId&sort=amount,asc`, 'PromotionHistory'],
    ] as const) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      expect(res.body.errorCode).toBe('INVALID_REQUEST');
      expect(res.body.errors?.[0]).toMatchObject({ field: 'sort' });
      expect(res.body.errors?.[0]?.message).toMatch(new RegExp(`^No property '(bogus|nope|amount)' found for type '${type}'$`));
    }
  });
});
