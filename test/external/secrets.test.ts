/**
 * Issue 10 items 1 and 7: environment exfiltration through external systems, and external systems
 * as an SSRF vector. Real app, real database (SQLite, or PostgreSQL with TEST_DATABASE=postgres),
 * a real echoing HTTP endpoint on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../src/external/external.repository.js';
import { newId } from '../../src/platform/db/sql.js';
import { AS_ADMIN, AS_AUDITOR, AS_MANAGER, basic, startTestApp, type TestApp } from '../helpers/app.js';
import { createTree, evaluate, leaf } from '../helpers/evaluations.js';

const SYSTEMS = '/api/v1/management/external-systems';
const LEAKABLE = {
  JWT_SECRET: 'jwt-key-that-must-never-leave-0123456789',
  BANYAN_ADMIN_PASSWORD: 'admin-password-never-sent',
  DATABASE_URL: 'postgres://u:dbpass@db/x',
};

let app: TestApp;
let echo: Server;
let echoUrl = '';
let echoHits = 0;
let lastLeak = '';
const logLines: string[] = [];
/** The environment external systems read; mutable so the property test can set new secrets. */
const secrets: Record<string, string | undefined> = { ...LEAKABLE, BANYAN_EXT_SECRET_PARTNER: 'partner-secret-VALUE-42' };

interface Envelope {
  success: boolean;
  errorCode: string | null;
  data: Record<string, unknown> | null;
  errors?: { field: string; message: string }[];
}

const system = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  baseUrl: echoUrl,
  urlTemplate: '{baseUrl}/echo/{customerId}',
  timeoutMs: 2000,
  retries: 0,
  ...extra,
});

async function send(
  method: 'POST' | 'PUT' | 'DELETE' | 'GET',
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
): Promise<{ status: number; body: Envelope }> {
  const response = await app.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return { status: response.statusCode, body: response.json() };
}

/** Every stored row of the audit tables, as text. */
async function storedText(): Promise<string> {
  const { db } = app.database;
  const tables = ['external_call_logs', 'decision_steps', 'audit_trails', 'request_logs', 'system_events', 'promotion_history'] as const;
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await db
      .selectFrom(table as 'external_call_logs')
      .selectAll()
      .execute()
      .catch(() => []);
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

beforeAll(async () => {
  // Echoes every request header back, several ways: plain, twice, as a key, URL-encoded.
  echo = createServer((request, response) => {
    echoHits += 1;
    const leak = String(request.headers['x-leak'] ?? request.headers.authorization ?? '');
    lastLeak = leak;
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({ headers: request.headers, leak, twice: `${leak}|${leak}`, [leak || 'none']: 1, encoded: encodeURIComponent(leak), score: 1 }),
    );
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  app = await startTestApp({ DEMO_DATA: 'false', EXTERNAL_CACHE_TTL_MS: '0', LOG_LEVEL: 'trace' }, { secrets, logger });
});

afterAll(async () => {
  await app?.destroy();
  await new Promise((resolve) => echo?.close(resolve));
});

describe('issue 10.1: environment exfiltration through external systems', () => {
  it('Given a MANAGER, When creating, updating or deleting an external system, Then 403 FORBIDDEN in the envelope; reads stay open to MANAGER', async () => {
    const created = await send('POST', SYSTEMS, AS_MANAGER, system('mgr-made'));
    expect(created.status).toBe(403);
    expect(created.body).toMatchObject({ success: false, errorCode: 'FORBIDDEN' });
    expect((await send('POST', SYSTEMS, AS_ADMIN, system('admin-made'))).status).toBe(201);
    const updated = await send('PUT', `${SYSTEMS}/admin-made`, AS_MANAGER, system('admin-made', { headers: { 'X-Leak': '${env:BANYAN_EXT_SECRET_PARTNER}' } }));
    expect(updated.status).toBe(403);
    expect(updated.body.errorCode).toBe('FORBIDDEN');
    expect((await send('DELETE', `${SYSTEMS}/admin-made`, AS_MANAGER)).status).toBe(403);
    expect((await send('GET', SYSTEMS, AS_MANAGER)).status).toBe(200);
    expect((await send('GET', `${SYSTEMS}/admin-made`, AS_MANAGER)).status).toBe(200);
    expect((await send('GET', SYSTEMS, AS_AUDITOR)).status).toBe(403);
    expect((await send('GET', `${SYSTEMS}/admin-made`, AS_MANAGER)).body.data?.headers).toEqual({});
  });

  it.each(['JWT_SECRET', 'BANYAN_ADMIN_PASSWORD', 'DATABASE_URL', 'HOME', 'BANYAN_EXT_SECRET_'])(
    'Given headers {"X-Leak": "${env:%s}"}, When an ADMIN creates or updates the system, Then 400 VALIDATION_FAILED naming headers.X-Leak',
    async (name) => {
      const headers = { 'X-Leak': `prefix \${env:${name}}` };
      const created = await send('POST', SYSTEMS, AS_ADMIN, system(`leak-${name.toLowerCase()}`, { headers }));
      expect(created.status).toBe(400);
      expect(created.body.errorCode).toBe('VALIDATION_FAILED');
      expect(created.body.errors?.map((e) => e.field)).toContain('headers.X-Leak');
      expect(JSON.stringify(created.body)).toContain('BANYAN_EXT_SECRET_');
      await send('POST', SYSTEMS, AS_ADMIN, system('leak-target'));
      const updated = await send('PUT', `${SYSTEMS}/leak-target`, AS_ADMIN, system('leak-target', { headers }));
      expect(updated.status).toBe(400);
      expect(updated.body.errors?.map((e) => e.field)).toContain('headers.X-Leak');
    },
  );

  it('Given a row written before the rule that references ${env:JWT_SECRET}, When a tree calls it, Then no request is made and the call fails naming the refusal, never the value', async () => {
    const id = newId();
    await repo.insertSystem(
      app.database.db,
      id,
      {
        name: 'legacy-leak',
        baseUrl: echoUrl,
        urlTemplate: '{baseUrl}/echo/{customerId}',
        method: 'GET',
        headers: { 'X-Leak': '${env:JWT_SECRET}' },
        bodyTemplate: null,
        timeoutMs: 2000,
        retries: 0,
        retryBackoffMs: 10,
        circuitBreaker: { errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 5 },
        responseMapping: {},
        onUnavailable: 'FALSE',
        maxConnections: 4,
        description: null,
        status: 'ACTIVE',
      },
      'test',
    );
    await createTree(app, 'legacy-leak-tree', {
      nodeId: 'legacy',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'legacy-leak' },
      children: [leaf('legacy-ok')],
    });
    const before = echoHits;
    const result = await evaluate(app, { customerId: 'CUST-L' }, 'legacy-leak-tree');
    expect(result.status).toBe(200);
    expect(result.body.data?.eligible).toBe(false);
    expect(echoHits).toBe(before);
    const stored = await storedText();
    expect(stored).toContain('may not be referenced');
    expect(stored).not.toContain(LEAKABLE.JWT_SECRET);
  });

  it('Given an endpoint that echoes the BANYAN_EXT_SECRET_ header back, When evaluating, Then the secret is sent but no call log, decision step, audit row, answer or log line holds it', async () => {
    expect((await send('POST', SYSTEMS, AS_ADMIN, system('echoer', { headers: { 'X-Leak': 'Bearer ${env:BANYAN_EXT_SECRET_PARTNER}' } }))).status).toBe(201);
    await createTree(app, 'echo-tree', {
      nodeId: 'echo',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'echoer', resultVariable: 'echoed' },
      children: [leaf('echo-ok')],
    });
    const response = await app.app.inject({
      method: 'POST',
      url: '/api/v1/promotions/evaluate',
      payload: { customerId: 'CUST-E', treeId: 'echo-tree', includeDetails: true },
    });
    expect(response.statusCode).toBe(200);
    const secret = secrets.BANYAN_EXT_SECRET_PARTNER as string;
    expect(lastLeak).toBe(`Bearer ${secret}`);
    expect(response.body).not.toContain(secret);
    const stored = await storedText();
    expect(stored).toContain('Bearer ***');
    expect(stored).not.toContain(secret);
    const calls = await send('GET', '/api/v1/audit/external-calls?size=100', AS_AUDITOR);
    expect(JSON.stringify(calls.body)).not.toContain(secret);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(secret);
  });
});

describe('issue 10.1 property: no BANYAN_EXT_SECRET_* value is ever stored or logged', () => {
  it('Given any header-safe secret value echoed back by the system in any shape, When evaluating, Then no stored external_call_logs row and no log line contains it', async () => {
    expect((await send('POST', SYSTEMS, AS_ADMIN, system('prop-echo', { headers: { Authorization: 'Token ${env:BANYAN_EXT_SECRET_PROP}' } }))).status).toBe(
      201,
    );
    await createTree(app, 'prop-tree', {
      nodeId: 'prop',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'prop-echo', resultVariable: 'p' },
      children: [leaf('prop-ok')],
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 6, maxLength: 40 }),
        async (body) => {
          n += 1;
          const secret = `Z${n}q${body}`;
          secrets.BANYAN_EXT_SECRET_PROP = secret;
          const response = await app.app.inject({
            method: 'POST',
            url: '/api/v1/promotions/evaluate',
            payload: { customerId: `CUST-P${n}`, treeId: 'prop-tree', includeDetails: true },
          });
          expect(response.statusCode).toBe(200);
          expect(lastLeak).toBe(`Token ${secret}`);
          expect(response.body.includes(secret)).toBe(false);
          const rows = await app.database.db.selectFrom('external_call_logs').selectAll().where('customer_id', '=', `CUST-P${n}`).execute();
          expect(rows.length).toBe(1);
          expect(JSON.stringify(rows)).toContain('***');
          expect(JSON.stringify(rows).includes(secret)).toBe(false);
          expect(logLines.join('\n').includes(secret)).toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('issue 10.7: external systems as an SSRF vector (production address policy)', () => {
  const PROD_PASSWORD = 'Long-enough-Pr0duction-passphrase';
  let prod: TestApp;
  beforeAll(async () => {
    prod = await startTestApp({
      NODE_ENV: 'production',
      DEMO_DATA: 'false',
      BANYAN_ADMIN_PASSWORD: PROD_PASSWORD,
      WALLET_URL: 'http://127.0.0.1:9',
      EXTERNAL_CACHE_TTL_MS: '0',
      BANYAN_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      EXTERNAL_HOSTS_ALLOW: `bureau.example.com,${new URL(echoUrl).host}`,
    });
  });
  afterAll(async () => prod?.destroy());

  const create = async (target: TestApp, name: string, baseUrl: string) => {
    const response = await target.app.inject({
      method: 'POST',
      url: SYSTEMS,
      headers: target === app ? AS_ADMIN : { authorization: basic('admin', PROD_PASSWORD) },
      payload: { name, baseUrl, urlTemplate: '{baseUrl}/x/{customerId}', retries: 0 },
    });
    return { status: response.statusCode, body: response.json<Envelope>() };
  };

  const prodTree = async (treeId: string, rootNode: Parameters<typeof createTree>[2]) => {
    const response = await prod.app.inject({
      method: 'POST',
      url: '/api/v1/management/decision-trees',
      headers: { authorization: basic('admin', PROD_PASSWORD) },
      payload: { treeId, name: treeId, status: 'ACTIVE', priority: 0, rootNode },
    });
    expect(response.statusCode, response.body).toBe(201);
  };

  it.each([
    'http://169.254.169.254',
    'http://127.0.0.1:5432',
    'http://[::1]:6379',
    'http://10.0.0.1',
    'http://[::127.0.0.1]',
    'http://0x7f000001:8080',
    'http://localhost:8080',
    'https://evil.example.org',
  ])('Given production and an allow-list, When an ADMIN registers baseUrl %s, Then 400 naming baseUrl', async (baseUrl) => {
    const { status, body } = await create(prod, `ssrf-${Math.random().toString(36).slice(2, 8)}`, baseUrl);
    expect(status).toBe(400);
    expect(body.errorCode).toBe('VALIDATION_FAILED');
    expect(body.errors?.map((e) => e.field)).toContain('baseUrl');
  });

  it('Given production, When a listed host:port (even loopback) is registered and called, Then it works; When a row predating the policy points elsewhere on loopback, Then the call is refused at connection time', async () => {
    expect((await create(prod, 'allowed-echo', echoUrl)).status).toBe(201);
    await prodTree('allowed-tree', {
      nodeId: 'a',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'allowed-echo', resultVariable: 'r' },
      children: [leaf('allowed-ok')],
    });
    const before = echoHits;
    const ok = await evaluate(prod, { customerId: 'CUST-A' }, 'allowed-tree');
    expect(ok.body.data?.promotionId).toBe('allowed-ok');
    expect(echoHits).toBe(before + 1);

    // Written before the policy (straight into the table): localhost on the same port is not the listed host.
    const port = new URL(echoUrl).port;
    const id = newId();
    await repo.insertSystem(
      prod.database.db,
      id,
      {
        name: 'rebound',
        baseUrl: `http://localhost:${port}`,
        urlTemplate: '{baseUrl}/x/{customerId}',
        method: 'GET',
        headers: {},
        bodyTemplate: null,
        timeoutMs: 2000,
        retries: 2,
        retryBackoffMs: 10,
        circuitBreaker: { errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 5 },
        responseMapping: {},
        onUnavailable: 'FALSE',
        maxConnections: 4,
        description: null,
        status: 'ACTIVE',
      },
      'test',
    );
    await prodTree('rebound-tree', {
      nodeId: 'b',
      nodeType: 'CONDITION',
      configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'rebound' },
      children: [leaf('rebound-ok')],
    });
    const blocked = await evaluate(prod, { customerId: 'CUST-B' }, 'rebound-tree');
    expect(blocked.status).toBe(200);
    expect(blocked.body.data?.eligible).toBe(false);
    expect(echoHits).toBe(before + 1);
    const rows = await prod.database.db.selectFrom('external_call_logs').selectAll().where('customer_id', '=', 'CUST-B').execute();
    expect(rows[0]).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(rows[0]?.error_message).toContain('EADDRESSBLOCKED');
  });

  it('Given development, When the embedded sandbox on loopback is registered, Then it is accepted (the simulators keep working)', async () => {
    expect((await create(app, 'dev-loopback', echoUrl)).status).toBe(201);
  });
});
