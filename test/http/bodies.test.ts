/**
 * Request bodies as real clients send them, over a real socket: Node's fetch (undici) writes the
 * whole body before it reads the answer, so a refused body must be read (up to a bound) before
 * the 413 is sent; and an empty body sent with `Content-Type: application/json` is no body.
 */
import { connect, type AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../src/demo/campaigns.js';
import { buildHttpServer, type App } from '../../src/platform/http/server.js';
import { createLoginLimiter } from '../../src/platform/http/login-limiter.js';
import { AS_ADMIN, startTestApp, type TestApp } from '../helpers/app.js';

const MB = 1024 * 1024;
const VIP = { customerId: 'C1', accountType: 'VIP', annualIncome: 2_500_000, creditScore: 780, region: '台北市' };

/** A JSON customer padded to about `bytes`. */
const paddedCustomer = (bytes: number): string => JSON.stringify({ ...VIP, padding: 'x'.repeat(bytes) });

/** The same body as a stream of 64 KB chunks: chunked transfer encoding, no Content-Length. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
}

/**
 * A client like Java's HttpClient: it writes the whole request (headers and body) and only then
 * reads the answer. Answers the status line, or the socket error it met.
 */
function writeAllThenRead(url: string, contentType: string, bodyBytes: number): Promise<string> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.pause();
    let answer = '';
    socket.on('error', (err) => resolve(`network error: ${err.message}`));
    socket.on('connect', () => {
      socket.write(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${contentType}\r\nContent-Length: ${bodyBytes}\r\n\r\n`);
      socket.write(Buffer.alloc(bodyBytes, 0x78), () => {
        // A fully drained body leaves the connection reusable (no close to wait for): the status line is enough.
        socket.on('data', (chunk: Buffer) => {
          answer += chunk.toString();
          if (answer.includes('\r\n')) {
            resolve(answer.split('\r\n')[0] ?? '');
            socket.destroy();
          }
        });
        socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
        socket.resume();
      });
    });
  });
}

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ BODY_DRAIN_LIMIT_BYTES: String(12 * MB) });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t?.destroy();
});

describe('Given a client that writes its whole body before reading (fetch/undici)', () => {
  it('When it POSTs 2 MB to evaluate (limit 1 MB) with a Content-Length, Then it reads a 413 in the envelope and the connection closes', async () => {
    const res = await fetch(`${base}/api/v1/promotions/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: paddedCustomer(2 * MB),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ success: false, errorCode: 'PAYLOAD_TOO_LARGE', data: null });
  });

  it('When a write-everything-then-read client (Java HttpClient style) sends 8 MB, Then it reads the 413, not a broken pipe', async () => {
    expect(await writeAllThenRead(`${base}/api/v1/promotions/evaluate`, 'application/json', 8 * MB)).toBe('HTTP/1.1 413 Payload Too Large');
    expect(await writeAllThenRead(`${base}/api/v1/promotions/evaluate`, 'application/xml', 8 * MB)).toBe('HTTP/1.1 415 Unsupported Media Type');
  });

  it('When it streams 2 MB chunked (no Content-Length), Then it reads the 413 too', async () => {
    const res = await fetch(`${base}/api/v1/promotions/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunked(paddedCustomer(2 * MB)),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ errorCode: 'PAYLOAD_TOO_LARGE' });
  });

  it('When it POSTs 2 MB of an unsupported type, Then it reads the 415', async () => {
    const res = await fetch(`${base}/api/v1/promotions/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: `<x>${'y'.repeat(2 * MB)}</x>`,
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ errorCode: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('When 20 such requests arrive at once, Then every one reads its 413 and the service keeps answering', async () => {
    const statuses = await Promise.all(
      Array.from(
        { length: 20 },
        async () =>
          (await fetch(`${base}/api/v1/promotions/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: paddedCustomer(2 * MB) }))
            .status,
      ),
    );
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 413));
    const ok = await fetch(`${base}/api/v1/promotions/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(VIP),
    });
    expect(ok.status).toBe(200);
  });

  it('When the body is larger than the drain bound (24 MB > 12 MB), Then it is not read to the end: the request ends promptly and the service keeps answering', async () => {
    const started = Date.now();
    const outcome = await fetch(`${base}/api/v1/promotions/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: paddedCustomer(24 * MB),
    }).then(
      (res) => res.status,
      (err: unknown) => (err instanceof Error ? err.name : 'error'),
    );
    // A 413 if the client happened to read it first, else a reset: never a hang or a 200.
    expect([413, 'TypeError']).toContain(outcome);
    expect(Date.now() - started).toBeLessThan(20_000);
    const health = await fetch(`${base}/actuator/health`);
    expect(health.status).toBe(200);
  });
});

describe('Given a route with its own, smaller body limit', () => {
  let app: App;
  let url: string;
  beforeAll(async () => {
    app = await buildHttpServer({
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 4 * MB,
      swaggerEnabled: false,
      version: 't',
      auth: { authenticator: { authenticate: async () => null }, limiter: createLoginLimiter({ userAttempts: 5, addressAttempts: 20, windowMs: 60_000 }) },
    });
    app.post('/small', { config: { auth: 'public' }, bodyLimit: 256 * 1024 }, async () => ({ success: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/small`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('When fetch sends 2 MB (over 256 KB), Then it reads the 413 in the envelope', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: paddedCustomer(2 * MB) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ success: false, errorCode: 'PAYLOAD_TOO_LARGE' });
    expect(await writeAllThenRead(url, 'application/json', 8 * MB)).toBe('HTTP/1.1 413 Payload Too Large');
    const small = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(VIP) });
    expect(small.status).toBe(200);
  });
});

describe('Given an empty body with Content-Type: application/json', () => {
  const json = { 'content-type': 'application/json' };

  it('When a DELETE carries it, Then the delete is done', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/management/decision-trees', headers: AS_ADMIN });
    const treeId = (list.json() as { data: { content: { treeId: string }[] } }).data.content[0]?.treeId;
    expect(treeId).toBeDefined();
    const res = await fetch(`${base}/api/v1/management/decision-trees/${treeId ?? ''}`, { method: 'DELETE', headers: { ...AS_ADMIN, ...json } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, data: { treeId, deleted: true } });
  });

  it('When POST /api/v1/auth/token carries it, Then a token is issued', async () => {
    const res = await fetch(`${base}/api/v1/auth/token`, { method: 'POST', headers: { 'x-api-key': DEMO_API_KEY, ...json } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, data: { accessToken: expect.any(String) } });
  });

  it('When a route that needs a body gets it, Then 400 INVALID_REQUEST naming the body, not a parser error', async () => {
    const res = await fetch(`${base}/api/v1/promotions/evaluate`, { method: 'POST', headers: { ...json, 'accept-language': 'en' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errorCode: string; message: string };
    expect(body.errorCode).toBe('INVALID_REQUEST');
    expect(body.message).toMatch(/body/);
  });

  it('When the body is malformed JSON, Then it is still a 400 Malformed JSON', async () => {
    const res = await fetch(`${base}/api/v1/promotions/evaluate`, { method: 'POST', headers: { ...json, 'accept-language': 'en' }, body: '{"customerId":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorCode: 'INVALID_REQUEST', message: 'Malformed JSON' });
  });
});
