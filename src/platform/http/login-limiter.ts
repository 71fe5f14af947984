/**
 * Failed-login counters for HTTP Basic, per username and per client address, in fixed windows, on
 * `@fastify/rate-limit` (its `createRateLimit` decides, its stores count: the Lua INCR/PEXPIRE
 * script in Redis, its LRU in process).
 *
 * An attempt is counted BEFORE the password is checked (and given back when it succeeds), so N
 * parallel guesses cannot all slip under the threshold: once a counter is over its limit, the
 * request is answered 429 with Retry-After without touching argon2. (The previous throttle slept
 * per request: 20 parallel guesses were all checked, then answered after 5 s.)
 *
 * What the library cannot express, and is therefore this thin layer over it:
 * - "count failures only": its counters only go up, so a correct password could not give its attempt
 *   back. Counting after the check instead (a `skipSuccessfulRequests`) would let parallel guesses
 *   through. So the store adds `release` (forget the user's failures, give the address one back).
 * - it is not a route hook: only requests that reach the password check count (not cached
 *   credentials, not public routes), so auth.ts calls the two limiters itself; the 429 is the
 *   service's envelope (AppError), not the library's error.
 * - "first refusal": it reports `remaining`, not the count. Each limiter is given `limit + 1` as its
 *   max: `remaining === 0` without `isExceeded` is exactly the attempt that crosses the limit (one
 *   audit event per lockout, also across processes: Redis INCR is atomic).
 * - Redis down: its `skipOnError` would stop counting altogether (the door open during an outage),
 *   so the store falls back to the in-process counters for that attempt and reports the error
 *   (logged), rather than opening the door or locking everybody out.
 *
 * With REDIS_URL the counters live in Redis (ioredis), so the limit holds across processes and
 * nodes; otherwise in process. The stores are the library's own (`store/LocalStore.js`,
 * `store/RedisStore.js`, not in its typed API: loaded by path, typed below; the Redis keys are
 * `banyan:login:user:<name>` / `banyan:login:addr:<ip>`).
 */
import { createRequire } from 'node:module';
import fastifyRateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';

export interface LoginLimits {
  /** Failed logins per username (from any address) within the window before 429. */
  readonly userAttempts: number;
  /** Failed logins per client address (for any username) within the window before 429. */
  readonly addressAttempts: number;
  readonly windowMs: number;
}

export type AttemptVerdict =
  /** `attempts`: this user's attempts in the window, this one included. */
  | { readonly allowed: true; readonly attempts: number }
  /**
   * `first`: this attempt is the one that crossed the limit (once per window and counter).
   * `attempts`: what the counter over its limit holds at least, this attempt included (exact, limit + 1, when `first`).
   */
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly limitedBy: 'user' | 'address'; readonly first: boolean; readonly attempts: number };

export interface LoginLimiter {
  /** Register @fastify/rate-limit on the server and build the two counters on it (registerAuth does). */
  attach(app: FastifyInstance): Promise<void>;
  /** Count an attempt for this user and the request's address; refuses once either is over its limit. */
  attempt(request: FastifyRequest, username: string): Promise<AttemptVerdict>;
  /** The password was right: forget the user's failures and give the address its attempt back. */
  succeeded(request: FastifyRequest, username: string): Promise<void>;
  close(): Promise<void>;
}

type Counted = { current: number; ttl: number };
type Incr = (key: string, callback: (error: Error | null, result?: Counted) => void, timeWindow: number, max: number) => void;
interface LocalStore {
  incr: Incr;
  readonly lru: { get(key: string): Counted | undefined; delete(key: string): void };
}
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => LocalStore;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key?: string,
) => { incr: Incr };

const RELEASE = `
redis.call('DEL', KEYS[1])
local n = redis.call('DECR', KEYS[2])
if n <= 0 then redis.call('DEL', KEYS[2]) end
return 0`;

export function createLoginLimiter(
  options: LoginLimits & { readonly redisUrl?: string | undefined; readonly prefix?: string; readonly onRedisError?: (err: unknown) => void },
): LoginLimiter {
  const prefix = `${options.prefix ?? 'banyan:login'}:`;
  const onRedisError = options.onRedisError ?? (() => undefined);
  // Fixed windows (no continueExceeding, no backoff), as many in-process counters as before.
  const local = new LocalStore(false, false, 200_000);
  // No offline queue and one try: a login must not wait for a reconnecting Redis.
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 })
    : undefined;
  redis?.on('error', () => undefined); // reported per call below; ioredis reconnects by itself
  const remote = redis ? new RedisStore(false, false, redis, prefix) : undefined;

  // The LocalStore hands back its live entry, which the next increment mutates: the result is read
  // after an await, so parallel attempts would all see the last count. Snapshot it at once.
  const localIncr: Incr = (key, callback, timeWindow, max) =>
    local.incr(key, (err, result) => callback(err, result && { current: result.current, ttl: result.ttl }), timeWindow, max);

  // One store for both limiters (their keys say which counter): Redis, or in process when Redis fails.
  const store: FastifyRateLimitStore = {
    incr(key, callback, timeWindow, max) {
      if (!remote) return localIncr(key, callback, timeWindow, max);
      remote.incr(
        key,
        (err, result) => {
          if (!err) return callback(null, result);
          onRedisError(err);
          localIncr(key, callback, timeWindow, max);
        },
        timeWindow,
        max,
      );
    },
    child: () => store,
  };
  const Store = function LoginCounterStore() {
    return store;
  } as unknown as FastifyRateLimitStoreCtor;

  const userKey = (username: string) => `user:${username.slice(0, 200)}`; // bounded: a huge name cannot bloat Redis
  const addressKey = (request: FastifyRequest) => `addr:${request.ip}`;
  /** The username an attempt counts for (the key generator sees only the request). */
  const loginName = new WeakMap<FastifyRequest, string>();
  let limiters: { user: Check; address: Check } | undefined;
  type Check = ReturnType<FastifyInstance['createRateLimit']>;

  const verdictOf = async (check: Check, request: FastifyRequest, limit: number) => {
    const r = await check(request);
    if (r.isAllowed) return { allowed: true as const, attempts: 0 };
    if (r.remaining > 0) return { allowed: true as const, attempts: limit + 1 - r.remaining };
    return { allowed: false as const, first: !r.isExceeded, attempts: r.isExceeded ? limit + 2 : limit + 1, retryAfterSeconds: Math.max(1, r.ttlInSeconds) };
  };

  return {
    async attach(app) {
      await app.register(fastifyRateLimit, { global: false, store: Store, timeWindow: options.windowMs });
      // Usernames are compared as the users table does (exact); addresses as Fastify reports them.
      limiters = {
        user: app.createRateLimit({
          max: options.userAttempts + 1,
          timeWindow: options.windowMs,
          keyGenerator: (request) => userKey(loginName.get(request) ?? ''),
        }),
        address: app.createRateLimit({ max: options.addressAttempts + 1, timeWindow: options.windowMs, keyGenerator: addressKey }),
      };
    },
    async attempt(request, username) {
      if (!limiters) throw new Error('login limiter used before attach(app)');
      loginName.set(request, username);
      const [user, address] = await Promise.all([
        verdictOf(limiters.user, request, options.userAttempts),
        verdictOf(limiters.address, request, options.addressAttempts),
      ]);
      if (!user.allowed) return { ...user, limitedBy: 'user' };
      if (!address.allowed) return { ...address, limitedBy: 'address' };
      return { allowed: true, attempts: user.attempts };
    },
    async succeeded(request, username) {
      const keys = [userKey(username), addressKey(request)] as const;
      if (redis) {
        try {
          await redis.eval(RELEASE, 2, prefix + keys[0], prefix + keys[1]);
        } catch (err) {
          onRedisError(err);
        }
      }
      // The in-process counters too: they may hold attempts counted while Redis was down.
      local.lru.delete(keys[0]);
      const address = local.lru.get(keys[1]);
      if (address !== undefined && address.current > 1) address.current--;
      else local.lru.delete(keys[1]);
    },
    async close() {
      redis?.disconnect();
    },
  };
}
