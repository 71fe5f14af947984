import { defineModule, ROLES } from '../modules/contract.js';
import type { LoginLimiter } from './login-limiter.js';

declare module '../modules/contract.js' {
  interface ModuleApis {
    loginLimiter: LoginLimiter;
  }
}

/** Login throttling (per username, per client address) for the HTTP server's Basic auth; shared through Redis when REDIS_URL is set. */
export const loginLimiterModule = defineModule<LoginLimiter>({
  name: 'loginLimiter',
  roles: ROLES,
  async create({ config, logger }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { createLoginLimiter } = await import('./login-limiter.js');
    const limiter = createLoginLimiter({
      ...config.loginThrottle,
      redisUrl: config.redisUrl,
      onRedisError: (err) => logger.warn({ err }, 'login limiter: Redis unreachable, counting in process'),
    });
    return { api: limiter, stop: () => limiter.close() };
  },
});
