import type { ColumnType } from 'kysely';

export interface TenantTable {
  id: string;
  name: string;
  status: string;
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
