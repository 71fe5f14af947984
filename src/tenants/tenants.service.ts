import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import type { TenantAuthenticator, TenantAuthResult, TenantPrincipal } from '../platform/http/auth.js';
import type { Tables } from '../platform/db/tables.js';
import type { Locale } from '../platform/http/i18n.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type Page } from '../platform/paging.js';
import * as repo from './tenants.repository.js';
import type { CallbackResolver, CallbackTarget } from '../rewards/index.js';
import { urlProblem, type AddressPolicy } from '../platform/net/url-guard.js';
import type { SecretBox } from '../platform/secrets/secret-box.js';
import {
  DEFAULT_SCOPES,
  type ApiKeyInput,
  type CallbackSettings,
  type CallbackSettingsWithSecret,
  type ApiKeyView,
  type Scope,
  type TenantChange,
  type TenantInput,
  type TenantView,
} from './tenants.schema.js';

/**
 * API keys look like `bnk_live_<keyId>_<secret>`: the key id finds the row, the secret is checked
 * against its SHA-256. A slow password hash (argon2, bcrypt) exists to make guessing *low-entropy
 * human passwords* expensive; our secret is 256 bits from the CSPRNG, so brute force is already
 * impossible and a fast hash loses nothing, while it keeps every API call cheap.
 */
const KEY_FORMAT = /^bnk_live_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ISSUER = 'banyan';
const AUDIENCE = 'banyan-tenant-api';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function formatApiKey(keyId: string, secret: string): string {
  return `bnk_live_${keyId}_${secret}`;
}

export interface TenantsService extends TenantAuthenticator {
  create(input: TenantInput): Promise<TenantView>;
  update(id: string, change: TenantChange): Promise<TenantView>;
  list(page: number, size: number): Promise<Page<TenantView>>;
  get(id: string): Promise<TenantView>;
  setStatus(id: string, status: 'ACTIVE' | 'SUSPENDED'): Promise<TenantView>;
  createApiKey(tenantId: string, input: ApiKeyInput, fixed?: { keyId: string; secret: string }): Promise<ApiKeyView & { apiKey: string }>;
  listApiKeys(tenantId: string): Promise<ApiKeyView[]>;
  revokeApiKey(tenantId: string, keyId: string): Promise<void>;
  issueToken(principal: TenantPrincipal, scopes?: readonly string[]): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number; scope: string }>;
  /** The tenant's callback settings (never the secret). */
  getCallback(tenantId: string): Promise<CallbackSettings>;
  /** Sets or removes the callback URL (validated: `platform/net/url-guard.ts`); the first URL also generates the secret, returned this once. */
  setCallback(tenantId: string, callbackUrl: string | null): Promise<CallbackSettingsWithSecret>;
  /** A new signing secret, returned this once; the old one stops signing at once. */
  rotateCallbackSecret(tenantId: string): Promise<CallbackSettingsWithSecret>;
  /** Where the tenant's paid-reward callbacks go (the rewards module's `CallbackResolver`). */
  readonly callbackResolver: CallbackResolver;
  /** Encrypt every stored callback secret that is plain or under a previous key with the current key. */
  reencryptSecrets(): Promise<ReencryptReport>;
}

export interface ReencryptReport {
  readonly reencrypted: number;
  readonly current: number;
  /** Tenants whose stored secret no configured key decrypts (their callbacks fail until the key is restored). */
  readonly unreadable: readonly string[];
}

export interface TenantsDeps {
  readonly db: Kysely<Tables>;
  /** HS256 key (≥ 32 bytes). */
  readonly jwtSecret: Uint8Array;
  readonly tokenTtlSeconds: number;
  /** Which callback URLs are acceptable (production: public addresses only). */
  readonly callbackPolicy: AddressPolicy;
  /** Encrypts the callback signing secrets at rest (BANYAN_SECRET_KEY). */
  readonly secretBox: SecretBox;
  readonly now?: () => Date;
}

const newCallbackSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** Additional data of a tenant's encrypted callback secret: the ciphertext only decrypts in its own row. */
const secretContext = (tenantId: string): string => `tenants.callback_secret:${tenantId}`;

const tenantNotFound = (id: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `租戶不存在: ${id}`, en: `Tenant not found: ${id}` });

const localeOf = (key: repo.KeyWithTenant): Locale | null => (key.tenantLocale === 'zh-TW' || key.tenantLocale === 'en' ? key.tenantLocale : null);

export function createTenantsService(deps: TenantsDeps): TenantsService {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  async function get(id: string): Promise<TenantView> {
    const tenant = await repo.findTenant(db, id);
    if (!tenant) throw tenantNotFound(id);
    return tenant;
  }

  // Last-used is written at most once a minute per key (touchApiKey); this process skips even the
  // statement while its own last write is that recent.
  const touched = new Map<string, number>();
  async function checkKey(keyId: string, touch: boolean): Promise<TenantAuthResult | repo.KeyWithTenant> {
    const key = await repo.findKeyWithTenant(db, keyId);
    if (!key || key.revoked) return { ok: false, reason: 'invalid' };
    if (key.tenantStatus !== 'ACTIVE') return { ok: false, reason: 'suspended' };
    const at = now();
    if (touch && (touched.get(keyId) ?? -Infinity) <= at.getTime() - 60_000) {
      if (touched.size >= 10_000) touched.clear();
      touched.set(keyId, at.getTime());
      await repo.touchApiKey(db, keyId, at);
    }
    return key;
  }

  // Callback targets, read for every paid reward. Changes through this service apply at once;
  // another process's within CALLBACK_TTL_MS.
  const targets = new Map<string, { readonly until: number; readonly target: CallbackTarget | null }>();
  const CALLBACK_TTL_MS = 5000;

  async function callbackSettings(tenantId: string): Promise<repo.CallbackSettingsRow> {
    const row = await repo.findCallbackSettings(db, tenantId);
    if (!row) throw tenantNotFound(tenantId);
    return row;
  }
  const callbackView = (row: repo.CallbackSettingsRow, secret?: string): CallbackSettingsWithSecret => ({
    callbackUrl: row.url,
    secretSet: row.secret !== null,
    secretCreatedAt: row.secretCreatedAt,
    ...(secret ? { secret } : {}),
  });

  return {
    async getCallback(tenantId) {
      return callbackView(await callbackSettings(tenantId));
    },
    async setCallback(tenantId, callbackUrl) {
      const current = await callbackSettings(tenantId);
      if (callbackUrl !== null) {
        const problem = await urlProblem('callbackUrl', callbackUrl, deps.callbackPolicy);
        if (problem)
          throw new AppError(
            'VALIDATION_FAILED',
            { zh: `回呼網址無效: ${problem}`, en: `Invalid callback URL: ${problem}` },
            { errors: [{ field: 'callbackUrl', message: problem }] },
          );
      }
      const secret = callbackUrl !== null && current.secret === null ? newCallbackSecret() : undefined;
      const stored = secret ? { secret: deps.secretBox.encrypt(secret, secretContext(tenantId)) } : {};
      if (!(await repo.updateCallbackSettings(db, tenantId, { url: callbackUrl, ...stored }))) throw tenantNotFound(tenantId);
      targets.delete(tenantId);
      return callbackView(await callbackSettings(tenantId), secret);
    },
    async rotateCallbackSecret(tenantId) {
      const secret = newCallbackSecret();
      if (!(await repo.updateCallbackSettings(db, tenantId, { secret: deps.secretBox.encrypt(secret, secretContext(tenantId)) })))
        throw tenantNotFound(tenantId);
      targets.delete(tenantId);
      return callbackView(await callbackSettings(tenantId), secret);
    },
    async callbackResolver(tenantId) {
      const wall = Date.now();
      const cached = targets.get(tenantId);
      if (cached && cached.until > wall) return cached.target;
      const row = await repo.findCallbackSettings(db, tenantId);
      // A plain legacy value reads as is (and is re-encrypted on the next start).
      const target = row?.url && row.secret ? { url: row.url, secret: deps.secretBox.decrypt(row.secret, secretContext(tenantId)) } : null;
      if (targets.size >= 10_000) targets.clear();
      targets.set(tenantId, { until: wall + CALLBACK_TTL_MS, target });
      return target;
    },
    async reencryptSecrets() {
      let reencrypted = 0;
      let current = 0;
      const unreadable: string[] = [];
      for (const { tenantId, secret } of await repo.listCallbackSecrets(db)) {
        if (deps.secretBox.isCurrent(secret)) {
          current += 1;
          continue;
        }
        let plain: string;
        try {
          plain = deps.secretBox.decrypt(secret, secretContext(tenantId));
        } catch {
          unreadable.push(tenantId);
          continue;
        }
        // Compare-and-set: a concurrent rotation or another process's re-encryption wins.
        if (await repo.replaceCallbackSecret(db, tenantId, secret, deps.secretBox.encrypt(plain, secretContext(tenantId)))) reencrypted += 1;
        targets.delete(tenantId);
      }
      return { reencrypted, current, unreadable };
    },
    async create(input) {
      const id = input.id ?? `t-${randomBytes(6).toString('hex')}`;
      if (!(await repo.insertTenant(db, id, input.name, input.defaultLocale ?? null))) {
        throw new AppError('DUPLICATE_RESOURCE', { zh: `租戶已存在: ${id}`, en: `Tenant already exists: ${id}` });
      }
      return get(id);
    },
    async list(page, size) {
      const { rows, total } = await repo.listTenants(db, page, size);
      return pageOf(rows, page, size, total);
    },
    get,
    async update(id, change) {
      if (!(await repo.updateTenant(db, id, change))) throw tenantNotFound(id);
      return get(id);
    },
    async setStatus(id, status) {
      if (!(await repo.setTenantStatus(db, id, status))) throw tenantNotFound(id);
      return get(id);
    },
    async createApiKey(tenantId, input, fixed) {
      await get(tenantId);
      const keyId = fixed?.keyId ?? randomBytes(6).toString('hex');
      const secret = fixed?.secret ?? randomBytes(32).toString('base64url');
      const view = await repo.insertApiKey(db, { id: keyId, tenantId, name: input.name, secretHash: sha256(secret), scopes: input.scopes ?? DEFAULT_SCOPES });
      return { ...view, apiKey: formatApiKey(keyId, secret) };
    },
    async listApiKeys(tenantId) {
      await get(tenantId);
      return repo.listApiKeys(db, tenantId);
    },
    async revokeApiKey(tenantId, keyId) {
      await get(tenantId);
      if (!(await repo.revokeApiKey(db, tenantId, keyId))) {
        const exists = (await repo.listApiKeys(db, tenantId)).some((k) => k.id === keyId);
        if (!exists) throw new AppError('RESOURCE_NOT_FOUND', { zh: `API 金鑰不存在: ${keyId}`, en: `API key not found: ${keyId}` });
      }
    },

    async fromApiKey(raw) {
      const match = KEY_FORMAT.exec(raw.trim());
      if (!match?.[1] || !match[2]) return { ok: false, reason: 'invalid' };
      const checked = await checkKey(match[1], true);
      if ('ok' in checked) return checked;
      const given = Buffer.from(sha256(match[2]), 'hex');
      const stored = Buffer.from(checked.secretHash, 'hex');
      if (given.length !== stored.length || !timingSafeEqual(given, stored)) return { ok: false, reason: 'invalid' };
      return { ok: true, principal: { tenantId: checked.tenantId, scopes: checked.scopes, keyId: checked.id, via: 'api-key', locale: localeOf(checked) } };
    },

    async fromToken(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, deps.jwtSecret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: now() }));
      } catch (error) {
        return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
      }
      const { tid, kid, scope } = payload;
      if (typeof tid !== 'string' || typeof kid !== 'string' || typeof scope !== 'string') return { ok: false, reason: 'invalid' };
      // Revoking the key or suspending the tenant also ends its tokens: one indexed read per call.
      const checked = await checkKey(kid, false);
      if ('ok' in checked) return checked;
      if (checked.tenantId !== tid) return { ok: false, reason: 'invalid' };
      const scopes = scope.split(' ').filter((s) => checked.scopes.includes(s));
      return { ok: true, principal: { tenantId: tid, scopes, keyId: kid, via: 'token', locale: localeOf(checked) } };
    },

    async issueToken(principal, requested) {
      const scopes = requested ?? principal.scopes;
      const extra = scopes.filter((s) => !principal.scopes.includes(s));
      if (extra.length > 0)
        throw new AppError('FORBIDDEN', { zh: `金鑰沒有這些範圍: ${extra.join(', ')}`, en: `The key lacks the scopes: ${extra.join(', ')}` });
      const issuedAt = Math.floor(now().getTime() / 1000);
      const scope = scopes.join(' ');
      const accessToken = await new SignJWT({ tid: principal.tenantId, kid: principal.keyId, scope })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(`${principal.tenantId}/${principal.keyId}`)
        .setJti(randomUUID())
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + deps.tokenTtlSeconds)
        .sign(deps.jwtSecret);
      return { accessToken, tokenType: 'Bearer', expiresIn: deps.tokenTtlSeconds, scope };
    },
  };
}

export type { Scope };
