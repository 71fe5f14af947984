import { Type, type Static } from 'typebox';

/** What a tenant credential may do. A route names the scopes it needs (`auth: { tenant: [...] }`). */
export const SCOPES = [
  'campaigns:read',
  'campaigns:write',
  'templates:read',
  'templates:write',
  'events:read',
  'events:write',
  'players:read',
  'players:write',
  'rewards:read',
  'rewards:write',
  'usage:read',
  'tenant:admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** A key created without scopes gets these: every scope except `tenant:admin` (own settings, such as the callback URL and its secret). */
export const DEFAULT_SCOPES: readonly Scope[] = SCOPES.filter((s) => s !== 'tenant:admin');

export const ScopeSchema = Type.Union(SCOPES.map((s) => Type.Literal(s)));
/** Language of messages to the tenant's clients when they send no Accept-Language. */
export const LocaleSchema = Type.Union([Type.Literal('en'), Type.Literal('zh-TW')], {
  description: 'Default language of messages (Accept-Language wins); default en',
});

export const TenantStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('SUSPENDED')]);

export const TenantInput = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$', description: 'Slug; generated when absent' })),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    defaultLocale: Type.Optional(LocaleSchema),
  },
  { additionalProperties: false, examples: [{ id: 'acme-casino', name: 'ACME Casino', defaultLocale: 'en' }] },
);
export type TenantInput = Static<typeof TenantInput>;

/** PATCH /admin/tenants/{id}: what staff may change of a tenant. */
export const TenantChange = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), defaultLocale: Type.Optional(LocaleSchema) },
  { additionalProperties: false, examples: [{ defaultLocale: 'zh-TW' }] },
);
export type TenantChange = Static<typeof TenantChange>;

export const TenantView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  defaultLocale: Type.String({ description: 'en or zh-TW' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type TenantView = Static<typeof TenantView>;

export const ApiKeyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Optional(Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true, description: 'Default: every scope except tenant:admin' })),
  },
  { additionalProperties: false },
);
export type ApiKeyInput = Static<typeof ApiKeyInput>;

export const ApiKeyView = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  revoked: Type.Boolean(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type ApiKeyView = Static<typeof ApiKeyView>;

// One object rather than an allOf, so the document's schema is typed (Redocly: nullable needs a type).
export const CreatedApiKey = Type.Object({ ...ApiKeyView.properties, apiKey: Type.String({ description: 'Shown once; only its hash is stored' }) });

export const TokenRequest = Type.Object(
  {
    scopes: Type.Optional(Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true, description: 'Narrow the token; default: the key’s scopes' })),
  },
  { additionalProperties: false },
);

export const TokenView = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer(),
  scope: Type.String(),
});

export const CallbackSettings = Type.Object({
  callbackUrl: Type.Union([Type.String(), Type.Null()], { description: 'Where `reward.paid` callbacks are POSTed; null: none' }),
  secretSet: Type.Boolean({ description: 'Whether a signing secret exists (the secret itself is shown only when generated)' }),
  secretCreatedAt: Type.Union([Type.String(), Type.Null()]),
});
export type CallbackSettings = Static<typeof CallbackSettings>;

export const CallbackSettingsWithSecret = Type.Object({
  ...CallbackSettings.properties,
  secret: Type.Optional(Type.String({ description: 'HMAC-SHA256 key of `X-Banyan-Signature`; present only in the answer that generated it (store it now)' })),
});
export type CallbackSettingsWithSecret = Static<typeof CallbackSettingsWithSecret>;

export const CallbackInput = Type.Object(
  { callbackUrl: Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()], { description: 'http(s) URL; null removes it' }) },
  { additionalProperties: false, examples: [{ callbackUrl: 'https://casino.example.com/banyan/rewards' }] },
);
export type CallbackInput = Static<typeof CallbackInput>;
