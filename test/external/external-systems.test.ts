import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { AS_ADMIN, AS_MANAGER, startTestApp, type TestApp } from '../helpers/app.js';
import { capturingRecorder, createTree, evaluate, leaf, sideEffects } from '../helpers/evaluations.js';

const SYSTEMS = '/api/v1/management/external-systems';

let app: TestApp;
let sandbox: RunningSandbox;
let echo: Server;
let echoUrl = '';
const seenHeaders: IncomingHttpHeaders[] = [];
const { records, overrides } = capturingRecorder();

async function control(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/_control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

async function register(
  payload: Record<string, unknown>,
): Promise<{ status: number; body: { data: Record<string, unknown> | null; errorCode: string | null; errors?: { field: string; message: string }[] } }> {
  const response = await app.app.inject({ method: 'POST', url: SYSTEMS, headers: AS_ADMIN, payload });
  return { status: response.statusCode, body: response.json() };
}

const creditBureau = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  baseUrl: sandbox.url,
  urlTemplate: '{baseUrl}/credit-bureau/score/{customerId}',
  responseMapping: { score: 'score', grade: 'grade' },
  timeoutMs: 1000,
  retries: 0,
  ...extra,
});

beforeAll(async () => {
  sandbox = await startSandbox({ creditFixtures: { 'CUST-GOOD': { score: 780 }, 'CUST-FAIR': { score: 640 } }, slowMs: 400, hangMs: 2000 });
  echo = createServer((request, response) => {
    seenHeaders.push(request.headers);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ ok: true, path: request.url }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const address = echo.address();
  echoUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  app = await startTestApp({ DEMO_DATA: 'false', EXTERNAL_CACHE_TTL_MS: '0' }, { ...overrides, secrets: { BANYAN_EXT_SECRET_PARTNER_TOKEN: 's3cr3t-token' } });
});

afterAll(async () => {
  await app?.destroy();
  await sandbox?.close();
  await new Promise((resolve) => echo?.close(resolve));
});

describe('external system registry', () => {
  it('Given a credential header written literally, When registering, Then it is rejected: secrets only by ${env:} reference', async () => {
    const { status, body } = await register(creditBureau('literal-secret', { headers: { Authorization: 'Bearer abc123' } }));
    expect(status).toBe(400);
    expect(body.errorCode).toBe('VALIDATION_FAILED');
    expect(body.errors?.[0]?.field).toBe('headers.Authorization');
  });

  it('Given an env-referenced secret, When registering and reading back, Then only the reference is stored and returned', async () => {
    const { status, body } = await register(
      creditBureau('partner', {
        baseUrl: echoUrl,
        urlTemplate: '{baseUrl}/partner/{customerId}',
        headers: { Authorization: 'Bearer ${env:BANYAN_EXT_SECRET_PARTNER_TOKEN}' },
      }),
    );
    expect(status).toBe(201);
    expect(body.data?.headers).toEqual({ Authorization: 'Bearer ${env:BANYAN_EXT_SECRET_PARTNER_TOKEN}' });
    const read = await app.app.inject({ method: 'GET', url: `${SYSTEMS}/partner`, headers: AS_ADMIN });
    expect(read.body).not.toContain('s3cr3t-token');
    expect(read.json().data.circuitBreaker).toEqual({ errorThresholdPercentage: 50, resetTimeoutMs: 30000, volumeThreshold: 5 });
  });

  it('Given an existing name, When registering it again, Then 409; When an unauthenticated or MANAGER client deletes, Then 401/403', async () => {
    expect((await register(creditBureau('dup'))).status).toBe(201);
    expect((await register(creditBureau('dup'))).status).toBe(409);
    expect((await app.app.inject({ method: 'GET', url: SYSTEMS })).statusCode).toBe(401);
    expect((await app.app.inject({ method: 'DELETE', url: `${SYSTEMS}/dup`, headers: AS_MANAGER })).statusCode).toBe(403);
    expect((await app.app.inject({ method: 'DELETE', url: `${SYSTEMS}/dup`, headers: AS_ADMIN })).statusCode).toBe(200);
    expect((await app.app.inject({ method: 'GET', url: `${SYSTEMS}/dup`, headers: AS_ADMIN })).statusCode).toBe(404);
    const list = await app.app.inject({ method: 'GET', url: SYSTEMS, headers: AS_ADMIN });
    expect(list.json().data.content.map((s: { name: string }) => s.name)).not.toContain('dup');
  });

  it('Given a urlTemplate off the registered origin or a secret in the body, When registering, Then 400', async () => {
    expect((await register(creditBureau('off-origin', { urlTemplate: 'http://evil.example/{customerId}' }))).status).toBe(400);
    expect((await register(creditBureau('body-secret', { method: 'POST', bodyTemplate: { token: '${env:BANYAN_EXT_SECRET_PARTNER_TOKEN}' } }))).status).toBe(
      400,
    );
    expect((await register(creditBureau('reserved', { responseMapping: { calls: 'x' } }))).status).toBe(400);
  });
});

describe('EXTERNAL_SYSTEM nodes', () => {
  beforeAll(async () => {
    expect((await register(creditBureau('credit-bureau'))).status).toBe(201);
    await createTree(app, 'cb-tree', {
      nodeId: 'bureau',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', resultVariable: 'creditBureau', condition: '#{#creditBureau.score >= 700}' },
      children: [
        {
          nodeId: 'grade-a',
          nodeType: 'CONDITION',
          configuration: { commandType: 'SPEL_CONDITION', expression: "#{#creditBureau.grade == 'A'}" },
          children: [
            {
              nodeId: 'bureau-offer',
              nodeType: 'CALCULATION',
              configuration: {
                commandType: 'CALCULATION',
                strategyType: 'FORMULA',
                parameters: { formula: '#creditBureau.score * 2', promotionId: 'bureau-a' },
              },
            },
          ],
        },
      ],
    });
  });

  it('Given a good bureau score, When evaluating, Then #creditBureau.score reaches later nodes and the call is in the step output with the request id', async () => {
    const result = await evaluate(app, { customerId: 'CUST-GOOD' }, 'cb-tree');
    expect(result.status).toBe(200);
    expect(result.body.data).toMatchObject({ eligible: true, promotionId: 'bureau-a', discountAmount: 1560 });
    const { calls, record } = sideEffects(records, result.requestId);
    expect(record.requestId).toBe(result.requestId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      system: 'credit-bureau',
      method: 'GET',
      status: 'SUCCESS',
      responseStatus: 200,
      attempts: 1,
      nodeId: 'bureau',
      treeId: 'cb-tree',
    });
    expect(calls[0]?.endpoint).toBe(`${sandbox.url}/credit-bureau/score/CUST-GOOD`);
    expect(calls[0]?.responsePayload).toMatchObject({ score: 780, grade: 'A' });
  });

  it('Given a score below the condition, When evaluating, Then no offer (the call still succeeded and is recorded)', async () => {
    const result = await evaluate(app, { customerId: 'CUST-FAIR' }, 'cb-tree');
    expect(result.body.data?.eligible).toBe(false);
    expect(sideEffects(records, result.requestId).calls[0]?.status).toBe('SUCCESS');
  });

  it('Given a customer id with URL metacharacters, When calling, Then the placeholder is URL-encoded', async () => {
    const result = await evaluate(app, { customerId: 'A B&C' }, 'cb-tree');
    expect(sideEffects(records, result.requestId).calls[0]?.endpoint).toBe(`${sandbox.url}/credit-bureau/score/A%20B%26C`);
  });

  it('Given two nodes making the identical call, When evaluating, Then the system is called once and the repeat is recorded as CACHED', async () => {
    await createTree(app, 'cb-twice', {
      nodeId: 'first',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', resultVariable: 'cb', condition: '#{#cb.score < 0}' },
      children: [leaf('never')],
    });
    await app.app.inject({
      method: 'PUT',
      url: '/api/v1/management/decision-trees/cb-twice',
      headers: AS_ADMIN,
      payload: {
        name: 'cb-twice',
        status: 'ACTIVE',
        rootNode: {
          nodeId: 'root',
          nodeType: 'CONDITION',
          configuration: { commandType: 'SPEL_CONDITION', expression: '#{true}' },
          children: [
            {
              nodeId: 'first',
              nodeType: 'CONDITION',
              configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', resultVariable: 'cb', condition: '#{#cb.score < 0}' },
              children: [leaf('never')],
            },
            {
              nodeId: 'second',
              nodeType: 'CONDITION',
              configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', resultVariable: 'cb2' },
              children: [leaf('twice')],
            },
          ],
        },
      },
    });
    const result = await evaluate(app, { customerId: 'CUST-GOOD' }, 'cb-twice');
    expect(result.body.data?.promotionId).toBe('twice');
    const { calls } = sideEffects(records, result.requestId);
    expect(calls.map((c) => [c.nodeId, c.status, c.attempts])).toEqual([
      ['first', 'SUCCESS', 1],
      ['second', 'CACHED', 0],
    ]);
  });

  it('Given a header secret from the environment, When calling, Then the resolved value is sent but never recorded', async () => {
    await createTree(app, 'partner-tree', {
      nodeId: 'partner',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'partner', resultVariable: 'partner' },
      children: [leaf('partner-ok')],
    });
    const result = await evaluate(app, { customerId: 'CUST-1' }, 'partner-tree');
    expect(result.body.data?.promotionId).toBe('partner-ok');
    expect(seenHeaders.at(-1)?.authorization).toBe('Bearer s3cr3t-token');
    expect(JSON.stringify(records.get(result.requestId))).not.toContain('s3cr3t-token');
  });

  it('Given a header secret whose environment variable is missing, When calling, Then no request is made and the error names the variable', async () => {
    expect(
      (
        await register(
          creditBureau('no-secret', {
            baseUrl: echoUrl,
            urlTemplate: '{baseUrl}/x/{customerId}',
            headers: { 'X-Api-Key': '${env:BANYAN_EXT_SECRET_MISSING_PARTNER_KEY}' },
          }),
        )
      ).status,
    ).toBe(201);
    await createTree(app, 'no-secret-tree', {
      nodeId: 'ns',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'no-secret' },
      children: [leaf('ns-ok')],
    });
    const before = seenHeaders.length;
    const result = await evaluate(app, { customerId: 'CUST-1' }, 'no-secret-tree');
    expect(result.body.data?.eligible).toBe(false);
    expect(seenHeaders.length).toBe(before);
    const call = sideEffects(records, result.requestId).calls[0];
    expect(call).toMatchObject({ status: 'FAILED', attempts: 0 });
    expect(call?.errorMessage).toContain('BANYAN_EXT_SECRET_MISSING_PARTNER_KEY');
  });
});

describe('timeouts, fallbacks and the circuit breaker', () => {
  it('Given a slow system, When the timeout passes, Then the call is TIMEOUT and onUnavailable decides: FALSE → no offer, TRUE → offer, FAIL → 500 EXTERNAL_SYSTEM_ERROR', async () => {
    for (const policy of ['FALSE', 'TRUE', 'FAIL']) {
      expect((await register(creditBureau(`slow-${policy}`, { timeoutMs: 150, retries: 0, onUnavailable: policy }))).status).toBe(201);
      await createTree(app, `slow-${policy}`, {
        nodeId: 'slow',
        nodeType: 'CONDITION',
        configuration: { commandType: 'EXTERNAL_SYSTEM', system: `slow-${policy}`, resultVariable: 'cb' },
        children: [leaf(`slow-${policy}`)],
      });
    }
    await control({ service: 'credit-bureau', mode: 'slow' });
    try {
      const asFalse = await evaluate(app, { customerId: 'CUST-GOOD' }, 'slow-FALSE');
      expect(asFalse.body.data?.eligible).toBe(false);
      expect(sideEffects(records, asFalse.requestId).calls[0]).toMatchObject({ status: 'TIMEOUT', attempts: 1, responseStatus: null });

      const asTrue = await evaluate(app, { customerId: 'CUST-GOOD' }, 'slow-TRUE');
      expect(asTrue.body.data?.promotionId).toBe('slow-TRUE');

      const asFail = await evaluate(app, { customerId: 'CUST-GOOD' }, 'slow-FAIL');
      expect(asFail.status).toBe(500);
      expect(asFail.body).toMatchObject({ success: false, errorCode: 'EXTERNAL_SYSTEM_ERROR', data: null });
      // The failed request's record still carries the call that failed it.
      const failed = sideEffects(records, asFail.requestId);
      expect(failed.record.error?.code).toBe('EXTERNAL_SYSTEM_ERROR');
      expect(failed.calls[0]).toMatchObject({ system: 'slow-FAIL', status: 'TIMEOUT' });
    } finally {
      await control({ service: 'credit-bureau', mode: 'ok' });
    }
  });

  it('Given a failing system, When called repeatedly, Then it retries, then the circuit opens (CIRCUIT_OPEN, not called), then closes after resetTimeout', async () => {
    expect(
      (
        await register(
          creditBureau('flaky', { retries: 2, retryBackoffMs: 5, circuitBreaker: { errorThresholdPercentage: 50, volumeThreshold: 2, resetTimeoutMs: 400 } }),
        )
      ).status,
    ).toBe(201);
    await createTree(app, 'flaky-tree', {
      nodeId: 'flaky',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'flaky', resultVariable: 'cb' },
      children: [leaf('flaky-ok')],
    });
    await control({ service: 'credit-bureau', mode: 'fail' });
    const statuses: [string | undefined, number | undefined, number | null | undefined][] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const result = await evaluate(app, { customerId: 'CUST-GOOD' }, 'flaky-tree');
        expect(result.body.data?.eligible).toBe(false);
        const call = sideEffects(records, result.requestId).calls[0];
        statuses.push([call?.status, call?.attempts, call?.responseStatus]);
      }
      expect(statuses).toEqual([
        ['FAILED', 3, 503],
        ['FAILED', 3, 503],
        ['CIRCUIT_OPEN', 0, null],
      ]);
      expect((await app.app.inject({ method: 'GET', url: `${SYSTEMS}/flaky`, headers: AS_ADMIN })).json().data.circuitState).toBe('OPEN');
    } finally {
      await control({ service: 'credit-bureau', mode: 'ok' });
    }
    await sleep(500);
    const recovered = await evaluate(app, { customerId: 'CUST-GOOD' }, 'flaky-tree');
    expect(recovered.body.data?.promotionId).toBe('flaky-ok');
    expect(sideEffects(records, recovered.requestId).calls[0]).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    expect((await app.app.inject({ method: 'GET', url: `${SYSTEMS}/flaky`, headers: AS_ADMIN })).json().data.circuitState).toBe('CLOSED');
  });

  it('Given the AML screen reports a hit, When evaluating, Then no offer; a clear customer gets it', async () => {
    expect(
      (
        await register({
          name: 'aml-screen',
          baseUrl: sandbox.url,
          urlTemplate: '{baseUrl}/aml/screen',
          method: 'POST',
          bodyTemplate: { customerId: '${customer.customerId}', country: '${customer.country}' },
          responseMapping: { hit: 'hit', riskLevel: 'riskLevel' },
          onUnavailable: 'FALSE',
        })
      ).status,
    ).toBe(201);
    await createTree(app, 'aml-tree', {
      nodeId: 'aml',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'aml-screen', resultVariable: 'aml', condition: '#{!#aml.hit}' },
      children: [leaf('aml-clear')],
    });
    const hit = await evaluate(app, { customerId: 'CUST-AML-001' }, 'aml-tree');
    expect(hit.body.data?.eligible).toBe(false);
    expect(sideEffects(records, hit.requestId).calls[0]).toMatchObject({
      method: 'POST',
      requestPayload: { customerId: 'CUST-AML-001' },
      responsePayload: { hit: true, riskLevel: 'HIGH' },
    });
    const clear = await evaluate(app, { customerId: 'CUST-CLEAN' }, 'aml-tree');
    expect(clear.body.data?.promotionId).toBe('aml-clear');
  });
});
