import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLimiter } from '../../src/platform/http/login-limiter.js';
import { buildHttpServer } from '../../src/platform/http/server.js';
import { basic, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

/** Redis when the suite runs on PostgreSQL (CI) or REDIS_URL is given; the in-process counters always. */
const USE_REDIS = DB_KIND === 'postgres' || process.env.REDIS_URL !== undefined;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMITS = { LOGIN_THROTTLE_FREE_ATTEMPTS: '5', LOGIN_THROTTLE_ADDRESS_ATTEMPTS: '12', LOGIN_THROTTLE_WINDOW_SECONDS: '600' };
const URL_ = '/api/v1/management/decision-trees';
const unique = (what: string) => `${what}-${randomBytes(4).toString('hex')}`;
// A distinct TEST-NET-3 address per test, so tests (and parallel files on one Redis) never share a counter.
let octet = Math.floor(Math.random() * 200);
const nextAddress = () => `203.0.113.${(octet++ % 250) + 1}`;

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const guess = (t: TestApp, username: string, password: string, remoteAddress: string): Promise<Res> =>
  t.app.inject({ method: 'GET', url: URL_, headers: { authorization: basic(username, password) }, remoteAddress });

function expectThrottled(res: Res): void {
  expect(res.statusCode).toBe(429);
  expect(res.json()).toMatchObject({ success: false, errorCode: 'TOO_MANY_REQUESTS' });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(600);
}

async function throttleEvents(t: TestApp, username: string): Promise<unknown[]> {
  const rows = await t.database.db
    .selectFrom('system_events')
    .select(['event_type', 'event_category', 'event_details'])
    .where('source_component', '=', 'http.auth')
    .execute();
  return rows.filter((r) => JSON.stringify(r.event_details).includes('LOGIN_THROTTLED') && JSON.stringify(r.event_details).includes(username));
}

async function failedChecks(t: TestApp, username: string): Promise<number> {
  const rows = await t.database.db.selectFrom('audit_trails').select('id').where('operation_type', '=', 'LOGIN_FAILED').where('actor', '=', username).execute();
  return rows.length;
}

/** The demo users' counters outlive a run in Redis (10-minute window): start each Redis run from zero. */
async function resetDemoUserCounters(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await redis.del(...['admin', 'manager', 'auditor'].map((u) => `banyan:login:user:${u}`));
  } finally {
    redis.disconnect();
  }
}

function throttleSuite(label: string, env: () => Record<string, string>): void {
  describe(`login throttle, ${label} (${DB_KIND})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      if (env()['REDIS_URL']) await resetDemoUserCounters();
      t = await startTestApp({ ...LIMITS, ...env() });
    });
    afterAll(async () => {
      await t?.destroy();
    });

    it('Given 20 parallel password guesses for one user, When they arrive together, Then 5 are checked (401) and 15 are answered 429 with Retry-After without checking the password', async () => {
      const address = nextAddress();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(t, 'manager', `wrong-guess-${i}`, address)));
      const unauthorized = results.filter((r) => r.statusCode === 401);
      const throttled = results.filter((r) => r.statusCode === 429);
      expect(unauthorized).toHaveLength(5);
      expect(throttled).toHaveLength(15);
      for (const r of throttled) expectThrottled(r);
      // Only the five that were let through reached the password check (and the audit trail).
      await expect.poll(() => failedChecks(t, 'manager')).toBe(5);
      // While throttled even the right password is not checked: the guesser cannot learn it now.
      expectThrottled(await guess(t, 'manager', 'manager123', address));
      await expect.poll(async () => (await throttleEvents(t, 'manager')).length).toBe(1);
      expect((await throttleEvents(t, 'manager'))[0]).toMatchObject({ event_type: 'SECURITY', event_category: 'SECURITY' });
    });

    it('Given guesses for one user spread over many addresses, When they pass the per-user limit, Then 429 (the limit is per user, not per connection)', async () => {
      const user = unique('ghost');
      for (let i = 0; i < 5; i++) expect((await guess(t, user, `wrong-${i}`, nextAddress())).statusCode).toBe(401);
      expectThrottled(await guess(t, user, 'wrong-again', nextAddress()));
    });

    it('Given one address guessing many usernames (password spraying), When it passes the per-address limit, Then 429 for any username from that address only', async () => {
      const address = nextAddress();
      for (let i = 0; i < 12; i++) expect((await guess(t, unique('spray'), 'Summer2026!', address)).statusCode).toBe(401);
      const refused = await guess(t, unique('spray'), 'Summer2026!', address);
      expectThrottled(refused);
      // Another address is unaffected.
      expect((await guess(t, 'auditor', 'auditor123', nextAddress())).statusCode).toBe(403);
    });

    it('Given a few failures, When the user then logs in correctly, Then the counter is reset and normal use goes on', async () => {
      const address = nextAddress();
      for (let i = 0; i < 4; i++) expect((await guess(t, 'admin', `nope-${i}`, address)).statusCode).toBe(401);
      expect((await guess(t, 'admin', 'admin123', address)).statusCode).toBe(200);
      for (let i = 0; i < 4; i++) expect((await guess(t, 'admin', `nope-again-${i}`, address)).statusCode).toBe(401);
    });

    it('Given many parallel requests with the correct password on a cold cache, When they arrive together, Then none is throttled', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => guess(t, 'auditor', 'auditor123', nextAddress())));
      expect(results.every((r) => r.statusCode === 403)).toBe(true); // AUDITOR may not manage trees: authenticated, not throttled
    });
  });
}

throttleSuite('in-process counters', () => ({}));

describe.runIf(USE_REDIS)(`login throttle across processes through Redis (${DB_KIND})`, () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ ...LIMITS, REDIS_URL, DEMO_DATA: 'false' });
    b = await startTestApp({ ...LIMITS, REDIS_URL, DEMO_DATA: 'false' });
  });
  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
  });

  it('Given guesses split between two servers sharing Redis, When together they pass the limit, Then the second server answers 429', async () => {
    const user = unique('shared-ghost');
    for (let i = 0; i < 3; i++) expect((await guess(a, user, `w-${i}`, nextAddress())).statusCode).toBe(401);
    for (let i = 0; i < 2; i++) expect((await guess(b, user, `w-b-${i}`, nextAddress())).statusCode).toBe(401);
    expectThrottled(await guess(b, user, 'w-last', nextAddress()));
    expectThrottled(await guess(a, user, 'w-last', nextAddress()));
  });

  it('Given 20 parallel guesses split over two servers, Then only 5 in total reach the password check', async () => {
    const user = unique('parallel-ghost');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => guess(i % 2 === 0 ? a : b, user, `g-${i}`, nextAddress())));
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(5);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(15);
  });
});

if (USE_REDIS) throttleSuite('Redis counters', () => ({ REDIS_URL }));

describe('login throttle with Redis unreachable', () => {
  it('Given REDIS_URL pointing at nothing, When guesses pass the limit, Then the in-process counters refuse them (429, never 500) and the outage is reported', async () => {
    const errors: unknown[] = [];
    const limiter = createLoginLimiter({
      userAttempts: 2,
      addressAttempts: 10,
      windowMs: 60_000,
      redisUrl: 'redis://127.0.0.1:1',
      onRedisError: (err) => errors.push(err),
    });
    const app = await buildHttpServer({
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 1024 * 1024,
      swaggerEnabled: false,
      version: 't',
      auth: { authenticator: { authenticate: async () => null }, limiter },
    });
    app.get('/private', { config: { auth: 'authenticated' } }, async () => 'ok');
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await app.inject({ method: 'GET', url: '/private', headers: { authorization: basic('nobody', `w-${i}`) }, remoteAddress: nextAddress() }))
            .statusCode,
        );
      expect(statuses).toEqual([401, 401, 429]);
      expect(errors.length).toBeGreaterThanOrEqual(3);
    } finally {
      await app.close();
      await limiter.close();
    }
  });
});
