import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUST001, CUST002 } from '../../src/demo/customers.js';
import { DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

/**
 * Issue 10 item 8: a client-chosen X-Request-Id used to become the request id, so two evaluations
 * sending the same value shared one id (PostgreSQL mixed their audit rows, SQLite answered 503 on
 * the unique index). The request id is now always the server's; the client's value is a separate
 * correlation id, stored in request_logs.correlation_id and echoed in X-Correlation-Id.
 */
describe(`request id collision attack on ${DB_KIND}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('Given two concurrent evaluations sending the same X-Request-Id, When both are answered, Then both succeed with distinct server request ids and separate audit rows', async () => {
    const chosen = `attacker-chosen-${Date.now()}`;
    const send = (customer: object) =>
      t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', headers: { 'x-request-id': chosen }, payload: customer });
    const [a, b] = await Promise.all([send(CUST001), send(CUST002)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const idA = String(a.headers['x-request-id']);
    const idB = String(b.headers['x-request-id']);
    expect(idA).not.toBe(idB);
    expect(idA).not.toBe(chosen);
    expect(a.json().requestId).toBe(idA);
    expect(b.json().requestId).toBe(idB);
    expect(a.headers['x-correlation-id']).toBe(chosen);
    expect(b.headers['x-correlation-id']).toBe(chosen);

    const { db } = t.database;
    const logs = await db.selectFrom('request_logs').select(['request_id', 'correlation_id']).where('correlation_id', '=', chosen).execute();
    expect(logs.map((l) => l.request_id).sort()).toEqual([idA, idB].sort());
    for (const [id, customerId] of [
      [idA, CUST001.customerId],
      [idB, CUST002.customerId],
    ] as const) {
      const trails = await db.selectFrom('audit_trails').select(['customer_id']).where('request_id', '=', id).execute();
      expect(trails).toEqual([{ customer_id: customerId }]);
    }
    // Nothing was stored under the client's value as a request id.
    expect(await db.selectFrom('audit_trails').select('id').where('request_id', '=', chosen).execute()).toEqual([]);
  });

  it('Given a correlation id that is not header-safe, When evaluating, Then it is neither stored nor echoed', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/promotions/evaluate', headers: { 'x-correlation-id': 'x'.repeat(200) }, payload: CUST001 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-correlation-id']).toBeUndefined();
    const log = await t.database.db
      .selectFrom('request_logs')
      .select('correlation_id')
      .where('request_id', '=', String(res.headers['x-request-id']))
      .executeTakeFirst();
    expect(log).toEqual({ correlation_id: null });
  });
});
