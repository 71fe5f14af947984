import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/reference/csv.js';
import { AS_ADMIN, AS_MANAGER, startTestApp, type TestApp } from '../helpers/app.js';
import { capturingRecorder, createTree, evaluate, leaf, sideEffects } from '../helpers/evaluations.js';

const DATA = '/api/v1/management/reference-data';
const QUERIES = '/api/v1/management/named-queries';

let app: TestApp;
const { records, overrides } = capturingRecorder();

async function importCsv(dataset: string, csv: string, query = '', headers: Record<string, string> = AS_MANAGER) {
  const response = await app.app.inject({
    method: 'POST',
    url: `${DATA}/${dataset}${query}`,
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: csv,
  });
  return { status: response.statusCode, body: response.json() };
}

beforeAll(async () => {
  app = await startTestApp({ DEMO_DATA: 'false', REFERENCE_CSV_LIMIT_BYTES: '4096' }, overrides);
});
afterAll(async () => app?.destroy());

describe('CSV parsing', () => {
  it('Given quoted fields with commas, quotes and line breaks, When parsing, Then fields and starting line numbers are exact', () => {
    const { records: rows, problems } = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n\n3,4');
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', '2'] },
      { line: 6, fields: ['3', '4'] },
    ]);
    expect(parseCsv('a\n"open').problems).toEqual([{ line: 2, message: 'unterminated quoted field' }]);
  });

  it('Given CRLF inside quoted fields and CR-only line ends, When parsing, Then later records still name their physical start line', () => {
    expect(parseCsv('a\r\n\r\n"x\r\ny",1\r\n"p\r\nq\r\nr",2\rz,3').records).toEqual([
      { line: 1, fields: ['a'] },
      { line: 3, fields: ['x\r\ny', '1'] },
      { line: 5, fields: ['p\r\nq\r\nr', '2'] },
      { line: 8, fields: ['z', '3'] },
    ]);
    // A quote inside a field ends the parse at its line; the records before it are kept.
    expect(parseCsv('h,v\nok,1\nx"y,2\nz,3')).toEqual({
      records: [
        { line: 1, fields: ['h', 'v'] },
        { line: 2, fields: ['ok', '1'] },
      ],
      problems: [{ line: 3, message: 'a quote may only start a field' }],
    });
  });
});

describe('reference data import', () => {
  it('Given a blacklist CSV, When imported (replace) and listed, Then the rows are stored in customer_blacklist', async () => {
    const { status, body } = await importCsv(
      'customer-blacklist',
      'customer_id,reason,listed_at,source\nCUST-BAD,fraud,2025-01-02,FSC\nCUST-WORSE,"chargebacks, repeated",,internal\n',
    );
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ dataset: 'customer-blacklist', kind: 'BLACKLIST', mode: 'replace', imported: 2, totalRows: 2 });
    const rows = await app.app.inject({ method: 'GET', url: `${DATA}/customer-blacklist`, headers: AS_ADMIN });
    expect(rows.json().data.content.map((r: { customerId: string }) => r.customerId)).toEqual(['CUST-BAD', 'CUST-WORSE']);
  });

  it('Given rows with errors, When importing, Then nothing is imported and every bad line is reported with its number', async () => {
    const { status, body } = await importCsv(
      'product-holdings',
      'customer_id,product_type,status\nC1,CREDIT_CARD,ACTIVE\n,INSURANCE,ACTIVE\nC3,credit card,ACTIVE\nC4,MORTGAGE\n',
    );
    expect(status).toBe(400);
    expect(body.errorCode).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual(['line 3', 'line 4', 'line 5']);
    const list = await app.app.inject({ method: 'GET', url: DATA, headers: AS_ADMIN });
    expect(list.json().data.find((d: { dataset: string }) => d.dataset === 'product-holdings').rows).toBe(0);
  });

  it('Given a generic dataset, When imported then appended, Then keys are upserted; When too large or not CSV, Then 413/415', async () => {
    expect((await importCsv('branch-rates', 'region,rate\n台北市,0.2\n台中市,0.1\n')).body.data).toMatchObject({
      kind: 'REFERENCE',
      imported: 2,
      totalRows: 2,
    });
    expect((await importCsv('branch-rates', 'region,rate\n台中市,0.15\n高雄市,0.3\n', '?mode=append')).body.data).toMatchObject({
      imported: 2,
      removed: 0,
      totalRows: 3,
    });
    const rows = await app.app.inject({ method: 'GET', url: `${DATA}/branch-rates`, headers: AS_ADMIN });
    expect(rows.json().data.content).toContainEqual({ key: '台中市', region: '台中市', rate: '0.15' });
    expect((await importCsv('big', `k,v\n${'x,y\n'.repeat(2000)}`)).status).toBe(413);
    const json = await app.app.inject({ method: 'POST', url: `${DATA}/branch-rates`, headers: AS_MANAGER, payload: { k: 1 } });
    expect(json.statusCode).toBe(400);
    expect((await importCsv('branch-rates', 'a\n1\n', '', {})).status).toBe(401);
    expect((await app.app.inject({ method: 'DELETE', url: `${DATA}/branch-rates`, headers: AS_MANAGER })).statusCode).toBe(403);
    expect((await app.app.inject({ method: 'DELETE', url: `${DATA}/branch-rates`, headers: AS_ADMIN })).json().data.removed).toBe(3);
    expect((await app.app.inject({ method: 'GET', url: `${DATA}/branch-rates`, headers: AS_ADMIN })).statusCode).toBe(404);
  });
});

describe('named queries', () => {
  it('Given the registry, When listing, Then the four built-ins are there and cannot be changed', async () => {
    const list = await app.app.inject({ method: 'GET', url: QUERIES, headers: AS_MANAGER });
    expect(
      list
        .json()
        .data.filter((q: { builtIn: boolean }) => q.builtIn)
        .map((q: { name: string }) => q.name),
    ).toEqual(['blacklist-check', 'product-holdings', 'has-product', 'reference-lookup']);
    expect((await app.app.inject({ method: 'DELETE', url: `${QUERIES}/blacklist-check`, headers: AS_ADMIN })).statusCode).toBe(422);
  });

  it('Given a custom query on a non-whitelisted field or with SQL, When creating, Then 400; a valid one is 201', async () => {
    const bad = await app.app.inject({
      method: 'POST',
      url: QUERIES,
      headers: AS_MANAGER,
      payload: { name: 'evil', source: 'BLACKLIST', mode: 'EXISTS', parameters: ['customer_id; DROP TABLE x'] },
    });
    expect(bad.statusCode).toBe(400);
    const sql = await app.app.inject({
      method: 'POST',
      url: QUERIES,
      headers: AS_MANAGER,
      payload: { name: 'sql', source: 'BLACKLIST', mode: 'EXISTS', parameters: [], sql: 'select 1' },
    });
    expect(sql.statusCode).toBe(400);
    const good = await app.app.inject({
      method: 'POST',
      url: QUERIES,
      headers: AS_MANAGER,
      payload: {
        name: 'has-mortgage',
        source: 'PRODUCT_HOLDINGS',
        mode: 'EXISTS',
        parameters: ['customerId'],
        filters: { productType: 'MORTGAGE', status: 'ACTIVE' },
      },
    });
    expect(good.statusCode).toBe(201);
  });
});

describe('DATABASE_QUERY nodes', () => {
  beforeAll(async () => {
    await importCsv(
      'product-holdings',
      'customer_id,product_type,product_id,opened_at,status\nCUST-CARD,CREDIT_CARD,CC-1,2024-05-01,ACTIVE\nCUST-OLD,CREDIT_CARD,CC-2,2019-01-01,CLOSED\nCUST-CARD,MORTGAGE,M-1,2020-01-01,ACTIVE\n',
    );
    await createTree(app, 'blacklist-tree', {
      nodeId: 'not-blacklisted',
      nodeType: 'CONDITION',
      configuration: {
        commandType: 'DATABASE_QUERY',
        query: 'blacklist-check',
        params: { customerId: '#{customerId}' },
        resultVariable: 'blacklist',
        matchWhen: 'NOT_FOUND',
      },
      children: [leaf('clean-customer')],
    });
    await createTree(app, 'no-card-tree', {
      nodeId: 'no-card',
      nodeType: 'CONDITION',
      configuration: {
        commandType: 'DATABASE_QUERY',
        query: 'has-product',
        params: { customerId: '#{customerId}', productType: 'CREDIT_CARD' },
        matchWhen: 'NOT_FOUND',
      },
      children: [leaf('card-offer')],
    });
    await createTree(app, 'holdings-tree', {
      nodeId: 'holdings',
      nodeType: 'CONDITION',
      configuration: {
        commandType: 'DATABASE_QUERY',
        query: 'product-holdings',
        params: { customerId: '#{customerId}' },
        resultVariable: 'holdings',
        matchWhen: '#{#holdings.rowCount >= 2}',
      },
      children: [leaf('loyal')],
    });
  });

  it('Given a blacklisted customer, When evaluating, Then no offer, and the query is in the step output with the request id', async () => {
    const blocked = await evaluate(app, { customerId: 'CUST-BAD' }, 'blacklist-tree');
    expect(blocked.body.data?.eligible).toBe(false);
    const { queries } = sideEffects(records, blocked.requestId);
    expect(queries).toEqual([
      expect.objectContaining({
        queryName: 'blacklist-check',
        queryType: 'BLACKLIST',
        parameters: { customerId: 'CUST-BAD' },
        rowCount: 1,
        status: 'SUCCESS',
        nodeId: 'not-blacklisted',
        treeId: 'blacklist-tree',
      }),
    ]);
    const clean = await evaluate(app, { customerId: 'CUST-NICE' }, 'blacklist-tree');
    expect(clean.body.data?.promotionId).toBe('clean-customer');
  });

  it('Given holdings, When asking has-product CREDIT_CARD, Then only ACTIVE cards count; a SpEL matchWhen reads the result variable', async () => {
    expect((await evaluate(app, { customerId: 'CUST-CARD' }, 'no-card-tree')).body.data?.eligible).toBe(false);
    expect((await evaluate(app, { customerId: 'CUST-OLD' }, 'no-card-tree')).body.data?.promotionId).toBe('card-offer');
    const loyal = await evaluate(app, { customerId: 'CUST-CARD' }, 'holdings-tree');
    expect(loyal.body.data?.promotionId).toBe('loyal');
    expect(sideEffects(records, loyal.requestId).queries[0]?.rowCount).toBe(2);
  });

  it('Given an unknown query or a missing parameter, When evaluating, Then the node is false and the FAILED query is recorded', async () => {
    await createTree(app, 'bad-query-tree', {
      nodeId: 'bad',
      nodeType: 'CONDITION',
      configuration: { commandType: 'DATABASE_QUERY', query: 'has-product', params: { customerId: '#{customerId}' } },
      children: [leaf('x')],
    });
    const result = await evaluate(app, { customerId: 'C' }, 'bad-query-tree');
    expect(result.body.data?.eligible).toBe(false);
    expect(sideEffects(records, result.requestId).queries[0]).toMatchObject({ status: 'FAILED', errorMessage: expect.stringContaining('productType') });
  });
});
