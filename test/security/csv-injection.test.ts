import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUST001 } from '../../src/demo/customers.js';
import { AS_AUDITOR, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const TRIGGER = /^[=+\-@\t\r]/;

/**
 * Issue 10 item 14, end to end: a customer id chosen by an anonymous evaluate caller reaches the
 * auditors' CSV export. Written unquoted, `x;=1+1;@SUM(A1)` was three cells and two formulas for a
 * spreadsheet in a `;` locale.
 */
describe(`CSV injection through the compliance report (${DB_KIND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('Given an evaluation for customer x;=1+1;@SUM(A1), When an auditor exports the DETAILED report as CSV, Then the id is one quoted cell and no ,/;/tab-separated part starts a formula', async () => {
    const hostile = ['x;=1+1;@SUM(A1)', '=HYPERLINK("http://evil")', 'a\t+cmd', '@x,-2+3'];
    for (const customerId of hostile) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', payload: { ...CUST001, customerId } });
      expect(res.statusCode).toBe(200);
    }
    const today = new Date().toISOString().slice(0, 10);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit/compliance-report?startDate=${today}&endDate=${today}&reportType=DETAILED&format=CSV`,
      headers: AS_AUDITOR,
    });
    expect(csv.statusCode).toBe(200);
    const body = csv.body.replace(/^\uFEFF/, '');
    expect(body).toContain(`,"x;'=1+1;'@SUM(A1)",`);
    for (const separator of [',', ';', '\t']) {
      for (const line of body.split('\r\n')) {
        for (const part of line.split(separator)) expect(part, `part of ${JSON.stringify(line)} split by ${JSON.stringify(separator)}`).not.toMatch(TRIGGER);
      }
    }
  });
});
