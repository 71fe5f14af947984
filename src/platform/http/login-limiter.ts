/**
 * Failed-login counters for HTTP Basic, per username and per client address, in fixed windows.
 *
 * An attempt is counted BEFORE the password is checked (and given back when it succeeds), so N
 * parallel guesses cannot all slip under the threshold: once a counter is over its limit, the
 * request is answered 429 with Retry-After without touching argon2. (The previous throttle slept
 * per request: 20 parallel guesses were all checked, then answered after 5 s.)
 *
 * With REDIS_URL the counters live in Redis (one Lua script per attempt), so the limit holds
 * across processes and nodes; otherwise in an in-process LRU. If Redis cannot be reached the
 * in-process counters are used for that attempt, so an outage never opens the door completely
 * nor locks everybody out.
 */
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

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
  /** `attempts`: what the counter over its limit holds, this attempt included. */
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly limitedBy: 'user' | 'address'; readonly attempts: number };

export interface LoginLimiter {
  /** Count an attempt for this user and address; refuses once either is over its limit. */
  attempt(username: string, address: string): Promise<AttemptVerdict>;
  /** The password was right: forget the user's failures and give the address its attempt back. */
  succeeded(username: string, address: string): Promise<void>;
  close(): Promise<void>;
}

interface Counts {
  readonly user: number;
  readonly userTtlMs: number;
  readonly address: number;
  readonly addressTtlMs: number;
}

interface CounterStore {
  increment(userKey: string, addressKey: string, windowMs: number): Promise<Counts>;
  release(userKey: string, addressKey: string): Promise<void>;
  close(): Promise<void>;
}

function memoryStore(windowMs: number): CounterStore {
  // Fixed window: the TTL is set by the first failure and not extended by later ones.
  const counters = new LRUCache<string, number>({ max: 200_000, ttl: windowMs });
  const bump = (key: string, windowMs: number): [number, number] => {
    const next = (counters.get(key) ?? 0) + 1;
    if (next === 1) counters.set(key, next, { ttl: windowMs });
    else counters.set(key, next, { noUpdateTTL: true });
    return [next, Math.max(1, counters.getRemainingTTL(key))];
  };
  return {
    async increment(userKey, addressKey, windowMs) {
      const [user, userTtlMs] = bump(userKey, windowMs);
      const [address, addressTtlMs] = bump(addressKey, windowMs);
      return { user, userTtlMs, address, addressTtlMs };
    },
    async release(userKey, addressKey) {
      counters.delete(userKey);
      const address = counters.get(addressKey);
      if (address !== undefined && address > 1) counters.set(addressKey, address - 1, { noUpdateTTL: true });
      else counters.delete(addressKey);
    },
    async close() {},
  };
}

// INCR both counters, start each window on its first failure, and report counts and remaining TTLs.
const INCREMENT = `
local out = {}
for i = 1, 2 do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[1]); ttl = tonumber(ARGV[1]) end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out`;

const RELEASE = `
redis.call('DEL', KEYS[1])
local n = redis.call('DECR', KEYS[2])
if n <= 0 then redis.call('DEL', KEYS[2]) end
return 0`;

function redisStore(url: string, fallback: CounterStore, onError: (err: unknown) => void): CounterStore {
  // No offline queue and one try: a login must not wait for a reconnecting Redis.
  const redis = new Redis(url, { lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => undefined); // reported per call below; ioredis reconnects by itself
  return {
    async increment(userKey, addressKey, windowMs) {
      try {
        const r = (await redis.eval(INCREMENT, 2, userKey, addressKey, String(windowMs))) as number[];
        return { user: Number(r[0]), userTtlMs: Number(r[1]), address: Number(r[2]), addressTtlMs: Number(r[3]) };
      } catch (err) {
        onError(err);
        return fallback.increment(userKey, addressKey, windowMs);
      }
    },
    async release(userKey, addressKey) {
      try {
        await redis.eval(RELEASE, 2, userKey, addressKey);
      } catch (err) {
        onError(err);
      }
      await fallback.release(userKey, addressKey);
    },
    async close() {
      redis.disconnect();
    },
  };
}

export function createLoginLimiter(options: LoginLimits & { readonly redisUrl?: string | undefined; readonly prefix?: string; readonly onRedisError?: (err: unknown) => void }): LoginLimiter {
  const memory = memoryStore(options.windowMs);
  const store = options.redisUrl ? redisStore(options.redisUrl, memory, options.onRedisError ?? (() => undefined)) : memory;
  const prefix = options.prefix ?? 'banyan:login';
  // Usernames are compared as the users table does (exact); the key is bounded so a huge name cannot bloat Redis.
  const userKey = (username: string) => `${prefix}:user:${username.slice(0, 200)}`;
  const addressKey = (address: string) => `${prefix}:addr:${address}`;
  return {
    async attempt(username, address) {
      const counts = await store.increment(userKey(username), addressKey(address), options.windowMs);
      if (counts.user > options.userAttempts) {
        return { allowed: false, limitedBy: 'user', attempts: counts.user, retryAfterSeconds: Math.max(1, Math.ceil(counts.userTtlMs / 1000)) };
      }
      if (counts.address > options.addressAttempts) {
        return { allowed: false, limitedBy: 'address', attempts: counts.address, retryAfterSeconds: Math.max(1, Math.ceil(counts.addressTtlMs / 1000)) };
      }
      return { allowed: true, attempts: counts.user };
    },
    succeeded: (username, address) => store.release(userKey(username), addressKey(address)),
    close: () => store.close(),
  };
}
