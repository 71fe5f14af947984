import type { Migration } from 'kysely';
import { dialectOf, timestampType } from '../platform/db/sql.js';

export const tenantsMigrations: Record<string, Migration> = {
  '2026_12_01_0100_tenants': {
    async up(db) {
      const ts = timestampType(dialectOf(db));
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addColumn('updated_at', ts, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tenant_api_keys')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(40)', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('revoked_at', ts)
        .addColumn('last_used_at', ts)
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idx_api_key_tenant').on('tenant_api_keys').columns(['tenant_id', 'created_at']).execute();
    },
  },
  '2026_12_02_0100_tenant_callbacks': {
    async up(db) {
      const ts = timestampType(dialectOf(db));
      // Where paid-reward callbacks go and the HMAC key that signs them (encrypted since 2026_12_04: signing needs the key itself).
      await db.schema.alterTable('tenants').addColumn('callback_url', 'varchar(2000)').execute();
      await db.schema.alterTable('tenants').addColumn('callback_secret', 'varchar(100)').execute();
      await db.schema.alterTable('tenants').addColumn('callback_secret_created_at', ts).execute();
    },
  },
  '2026_12_04_1900_tenant_callback_secret_encrypted': {
    async up(db) {
      // Room for `enc:v1:<keyId>:<nonce ‖ ciphertext ‖ tag>` (platform/secrets/secret-box.ts). SQLite does not enforce lengths.
      if (dialectOf(db) === 'postgres')
        await db.schema
          .alterTable('tenants')
          .alterColumn('callback_secret', (c) => c.setDataType('varchar(500)'))
          .execute();
    },
  },
  '2026_12_04_2000_tenant_locale': {
    async up(db) {
      // Messages to the tenant's clients when they send no Accept-Language; null means English.
      await db.schema.alterTable('tenants').addColumn('default_locale', 'varchar(10)').execute();
    },
  },
};
