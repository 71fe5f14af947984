import type { ColumnType } from 'kysely';

export interface TenantTable {
  id: string;
  name: string;
  status: string;
  /** Where paid-reward callbacks are POSTed (null: none). */
  callback_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** HMAC-SHA256 key of the callbacks, AES-256-GCM encrypted (`enc:v1:…`; a plain legacy value until re-encrypted); shown to the tenant once, when generated. */
  callback_secret: ColumnType<string | null, string | null | undefined, string | null>;
  callback_secret_created_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 'en' | 'zh-TW'; null: English. */
  default_locale: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}

export interface TenantApiKeyTable {
  id: string;
  tenant_id: string;
  name: string;
  /** SHA-256 of the secret part, hex. */
  secret_hash: string;
  /** Space-separated scopes. */
  scopes: string;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: ColumnType<string, string, never>;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    tenants: TenantTable;
    tenant_api_keys: TenantApiKeyTable;
  }
}
