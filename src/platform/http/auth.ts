import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Locale } from './i18n.js';
import { AppError, HttpError } from './errors.js';
import type { AttemptVerdict, LoginLimiter } from './login-limiter.js';

export const ROLES = ['ADMIN', 'MANAGER', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly username: string;
  readonly roles: readonly Role[];
}

/**
 * A tenant's API client (campaign platform): authenticated by `X-API-Key` or `Authorization:
 * Bearer <jwt>`, limited to its tenant and scopes.
 */
export interface TenantPrincipal {
  readonly tenantId: string;
  readonly scopes: readonly string[];
  readonly keyId: string;
  readonly via: 'api-key' | 'token';
  /** The tenant's default locale for messages when the client sends no Accept-Language (null: English). */
  readonly locale?: Locale | null;
}

/** A tenant route: the caller needs every listed scope; `apiKeyOnly` refuses bearer tokens. */
export interface TenantRouteAuth {
  readonly tenant: readonly string[];
  readonly apiKeyOnly?: boolean;
}

/** Who may call a route: anyone, any signed-in staff user, holders of one of the listed roles, or a tenant client. */
export type RouteAuth = 'public' | 'authenticated' | readonly Role[] | TenantRouteAuth;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyInstance {
    /** Drop every cached credential, e.g. after a password change (this process; the 1-minute TTL covers others). */
    forgetCredentials(): void;
  }
  interface FastifyRequest {
    principal: Principal | null;
    tenant: TenantPrincipal | null;
  }
}

export type TenantAuthResult =
  { readonly ok: true; readonly principal: TenantPrincipal } | { readonly ok: false; readonly reason: 'invalid' | 'expired' | 'suspended' };

/** Checks tenant credentials; provided by the tenants module. */
export interface TenantAuthenticator {
  fromApiKey(key: string): Promise<TenantAuthResult>;
  fromToken(token: string): Promise<TenantAuthResult>;
}

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="Banyan"' };

/** The tenant principal of a route declared with `auth: { tenant: [...] }` (set by the auth hook). */
export function tenantOf(request: FastifyRequest): TenantPrincipal {
  if (!request.tenant) throw new HttpError('UNAUTHORIZED', undefined, { headers: BEARER_CHALLENGE });
  return request.tenant;
}

const isTenantRule = (rule: RouteAuth): rule is TenantRouteAuth => typeof rule === 'object' && 'tenant' in rule;

export interface Authenticator {
  authenticate(username: string, password: string): Promise<Principal | null>;
}

/** Where login outcomes are recorded (audit trail / system events); logging only by default. */
export interface LoginRecorder {
  loginSucceeded(principal: Principal, request: FastifyRequest): void;
  loginFailed(username: string, request: FastifyRequest, failures: number): void;
  /** A login refused with 429 before its password was checked (called once per window and counter). */
  loginThrottled?(username: string, request: FastifyRequest, verdict: Extract<AttemptVerdict, { allowed: false }>): void;
}

export interface AuthOptions {
  readonly authenticator: Authenticator;
  readonly tenants?: TenantAuthenticator;
  readonly recorder?: LoginRecorder;
  /** Failed-login counters per username and per client address (login-limiter.ts, on @fastify/rate-limit). */
  readonly limiter: LoginLimiter;
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Banyan", charset="UTF-8"' };

function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * HTTP Basic authentication and per-route role checks. Every route must declare `config.auth`;
 * a route without it fails at registration, so no endpoint can ship unchecked.
 *
 * Verified credentials are cached for a minute (keyed by a hash of username:password) because
 * argon2id costs ~20 ms by design and Basic sends the password on every request. Attempts are
 * counted per username and per client address (in Redis when configured); over either limit the
 * answer is 429 with Retry-After and the password is not checked at all.
 */
export async function registerAuth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const cache = new LRUCache<string, Principal>({ max: 10_000, ttl: 60_000 });
  const { limiter } = options;
  await limiter.attach(app);

  app.decorateRequest('principal', null);
  app.decorateRequest('tenant', null);
  app.decorate('forgetCredentials', () => cache.clear());

  app.addHook('onRoute', (route) => {
    if (route.config?.auth === undefined && !route.url.startsWith('/swagger-ui')) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no config.auth`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const rule = request.routeOptions.config.auth ?? 'public';
    if (isTenantRule(rule)) {
      request.tenant = await tenantLogin(request, rule);
      if (!request.localeRequested && request.tenant.locale) request.locale = request.tenant.locale;
      const missing = rule.tenant.filter((scope) => !request.tenant?.scopes.includes(scope));
      if (missing.length > 0) {
        throw new AppError('FORBIDDEN', { zh: `權限不足，需要範圍: ${missing.join(', ')}`, en: `Missing scope: ${missing.join(', ')}` });
      }
      return;
    }
    const credentials = parseBasic(request.headers.authorization);
    if (credentials) request.principal = await login(credentials.username, credentials.password, request);
    if (rule === 'public') return;
    if (!request.principal) {
      throw new HttpError('UNAUTHORIZED', credentials ? { zh: '帳號或密碼錯誤', en: 'Invalid username or password' } : undefined, { headers: CHALLENGE });
    }
    if (rule !== 'authenticated' && !rule.some((role) => request.principal?.roles.includes(role))) {
      throw new AppError('FORBIDDEN', { zh: `權限不足，需要角色: ${rule.join(', ')}`, en: `Requires one of the roles: ${rule.join(', ')}` });
    }
  });

  async function tenantLogin(request: FastifyRequest, rule: TenantRouteAuth): Promise<TenantPrincipal> {
    const apiKey = request.headers['x-api-key'];
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    const unauthorized = (text?: { zh: string; en: string }) => new HttpError('UNAUTHORIZED', text, { headers: BEARER_CHALLENGE });
    if (!options.tenants) throw unauthorized();
    let result: TenantAuthResult;
    if (typeof apiKey === 'string' && apiKey !== '') {
      result = await options.tenants.fromApiKey(apiKey);
    } else if (bearer && !rule.apiKeyOnly) {
      result = await options.tenants.fromToken(bearer);
    } else {
      throw unauthorized({
        zh: rule.apiKeyOnly ? '需要 X-API-Key' : '需要 X-API-Key 或 Bearer 權杖',
        en: rule.apiKeyOnly ? 'X-API-Key required' : 'X-API-Key or Bearer token required',
      });
    }
    if (result.ok) return result.principal;
    if (result.reason === 'suspended') throw new AppError('FORBIDDEN', { zh: '租戶已停用', en: 'Tenant suspended' });
    if (result.reason === 'expired') throw unauthorized({ zh: '權杖已過期', en: 'Token expired' });
    throw unauthorized({ zh: '憑證無效', en: 'Invalid credentials' });
  }

  // Concurrent logins with the same credentials share one check (and count as one attempt), so a
  // client opening many connections at once is not throttled by its own correct password.
  const inFlight = new Map<string, Promise<Principal | null>>();

  async function login(username: string, password: string, request: FastifyRequest): Promise<Principal | null> {
    const key = createHash('sha256').update(`${username}\u0000${password}`).digest('base64');
    const cached = cache.get(key);
    if (cached) return cached;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const check = checkLogin(key, username, password, request).finally(() => inFlight.delete(key));
    inFlight.set(key, check);
    return check;
  }

  async function checkLogin(key: string, username: string, password: string, request: FastifyRequest): Promise<Principal | null> {
    const verdict = await limiter.attempt(request, username);
    if (!verdict.allowed) {
      // One event per lockout: only the attempt that first crosses a limit.
      if (verdict.first) options.recorder?.loginThrottled?.(username, request, verdict);
      request.log.warn({ username, ip: request.ip, limitedBy: verdict.limitedBy, retryAfterSeconds: verdict.retryAfterSeconds }, 'login throttled');
      throw new HttpError(
        'TOO_MANY_REQUESTS',
        { zh: `登入失敗次數過多，請於 ${verdict.retryAfterSeconds} 秒後再試`, en: `Too many failed logins; retry after ${verdict.retryAfterSeconds} s` },
        { headers: { 'Retry-After': String(verdict.retryAfterSeconds) } },
      );
    }
    const principal = await options.authenticator.authenticate(username, password);
    if (!principal) {
      request.log.warn({ username, ip: request.ip, failures: verdict.attempts }, 'login failed');
      options.recorder?.loginFailed(username, request, verdict.attempts);
      return null;
    }
    await limiter.succeeded(request, username);
    cache.set(key, principal);
    options.recorder?.loginSucceeded(principal, request);
    return principal;
  }
}

/** Drop cached credentials, e.g. after a password change (single-process; TTL covers others). */
export type CredentialCacheReset = () => void;
