import type { Kysely, Selectable } from 'kysely';
import { toDbTimestamp } from '../platform/db/sql.js';
import { dbToIso } from '../platform/time.js';
import type { Tables } from '../platform/db/tables.js';
import type { ApiKeyView, TenantView } from './tenants.schema.js';
import type { TenantApiKeyTable, TenantTable } from './tenants.tables.js';

const tenantView = (row: Selectable<TenantTable>): TenantView => ({
  id: row.id,
  name: row.name,
  status: row.status,
  defaultLocale: row.default_locale === 'zh-TW' ? 'zh-TW' : 'en',
  createdAt: dbToIso(row.created_at) ?? '',
  updatedAt: dbToIso(row.updated_at) ?? '',
});

export const apiKeyView = (row: Selectable<TenantApiKeyTable>): ApiKeyView => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  scopes: row.scopes.split(' ').filter(Boolean),
  revoked: row.revoked_at !== null,
  revokedAt: dbToIso(row.revoked_at),
  lastUsedAt: dbToIso(row.last_used_at),
  createdAt: dbToIso(row.created_at) ?? '',
});

export async function insertTenant(db: Kysely<Tables>, id: string, name: string, defaultLocale: string | null = null): Promise<boolean> {
  const now = toDbTimestamp();
  const result = await db
    .insertInto('tenants')
    .values({ id, name, status: 'ACTIVE', default_locale: defaultLocale, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findTenant(db: Kysely<Tables>, id: string): Promise<TenantView | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? tenantView(row) : undefined;
}

export async function listTenants(db: Kysely<Tables>, page: number, size: number) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('tenants')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(size)
      .offset(page * size)
      .execute(),
    db
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(tenantView), total: Number(count.n) };
}

export async function setTenantStatus(db: Kysely<Tables>, id: string, status: string): Promise<boolean> {
  const result = await db.updateTable('tenants').set({ status, updated_at: toDbTimestamp() }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertApiKey(
  db: Kysely<Tables>,
  row: { id: string; tenantId: string; name: string; secretHash: string; scopes: readonly string[] },
): Promise<ApiKeyView> {
  const values = {
    id: row.id,
    tenant_id: row.tenantId,
    name: row.name,
    secret_hash: row.secretHash,
    scopes: row.scopes.join(' '),
    revoked_at: null,
    last_used_at: null,
    created_at: toDbTimestamp(),
  };
  await db.insertInto('tenant_api_keys').values(values).execute();
  return apiKeyView(values);
}

export async function listApiKeys(db: Kysely<Tables>, tenantId: string): Promise<ApiKeyView[]> {
  const rows = await db.selectFrom('tenant_api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
  return rows.map(apiKeyView);
}

export async function revokeApiKey(db: Kysely<Tables>, tenantId: string, id: string): Promise<boolean> {
  const now = toDbTimestamp();
  const result = await db
    .updateTable('tenant_api_keys')
    .set({ revoked_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface KeyWithTenant {
  readonly id: string;
  readonly tenantId: string;
  readonly secretHash: string;
  readonly scopes: readonly string[];
  readonly revoked: boolean;
  readonly tenantStatus: string;
  readonly tenantLocale: string | null;
}

/** The key and its tenant's status in one read (checked on every authenticated request). */
export async function findKeyWithTenant(db: Kysely<Tables>, id: string): Promise<KeyWithTenant | undefined> {
  const row = await db
    .selectFrom('tenant_api_keys as k')
    .innerJoin('tenants as t', 't.id', 'k.tenant_id')
    .select(['k.id', 'k.tenant_id', 'k.secret_hash', 'k.scopes', 'k.revoked_at', 't.status', 't.default_locale'])
    .where('k.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    secretHash: row.secret_hash,
    scopes: row.scopes.split(' ').filter(Boolean),
    revoked: row.revoked_at !== null,
    tenantStatus: row.status,
    tenantLocale: row.default_locale,
  };
}

/** At most one write a minute per key: last-used is for humans, not an audit log. */
export async function touchApiKey(db: Kysely<Tables>, id: string, now: Date): Promise<void> {
  const cutoff = toDbTimestamp(new Date(now.getTime() - 60_000));
  await db
    .updateTable('tenant_api_keys')
    .set({ last_used_at: toDbTimestamp(now) })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', cutoff)]))
    .execute();
}

export interface CallbackSettingsRow {
  readonly url: string | null;
  readonly secret: string | null;
  readonly secretCreatedAt: string | null;
}

export async function findCallbackSettings(db: Kysely<Tables>, tenantId: string): Promise<CallbackSettingsRow | undefined> {
  const row = await db
    .selectFrom('tenants')
    .select(['callback_url', 'callback_secret', 'callback_secret_created_at'])
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return row ? { url: row.callback_url, secret: row.callback_secret, secretCreatedAt: dbToIso(row.callback_secret_created_at) } : undefined;
}

/** Sets the URL; sets the secret too when `secret` is given. False when the tenant does not exist. */
export async function updateCallbackSettings(db: Kysely<Tables>, tenantId: string, change: { url?: string | null; secret?: string }): Promise<boolean> {
  const now = toDbTimestamp();
  const result = await db
    .updateTable('tenants')
    .set({
      ...(change.url !== undefined ? { callback_url: change.url } : {}),
      ...(change.secret !== undefined ? { callback_secret: change.secret, callback_secret_created_at: now } : {}),
      updated_at: now,
    })
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Changes a tenant's name and/or default locale; false when there is no such tenant. */
export async function updateTenant(db: Kysely<Tables>, id: string, change: { name?: string; defaultLocale?: string }): Promise<boolean> {
  const result = await db
    .updateTable('tenants')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.defaultLocale !== undefined ? { default_locale: change.defaultLocale } : {}),
      updated_at: toDbTimestamp(),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Every stored callback secret, for re-encryption. */
export async function listCallbackSecrets(db: Kysely<Tables>): Promise<{ tenantId: string; secret: string }[]> {
  const rows = await db.selectFrom('tenants').select(['id', 'callback_secret']).where('callback_secret', 'is not', null).orderBy('id').execute();
  return rows.map((r) => ({ tenantId: r.id, secret: r.callback_secret as string }));
}

/** Replace a stored secret only if it is still `expected` (another process may have re-encrypted or rotated it). */
export async function replaceCallbackSecret(db: Kysely<Tables>, tenantId: string, expected: string, next: string): Promise<boolean> {
  const result = await db
    .updateTable('tenants')
    .set({ callback_secret: next })
    .where('id', '=', tenantId)
    .where('callback_secret', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
