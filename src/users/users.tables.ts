import type { ColumnType, Generated } from 'kysely';

export interface UserTable {
  id: string;
  username: string;
  password_hash: string;
  /** Comma-separated roles: ADMIN, MANAGER, AUDITOR. */
  roles: string;
  enabled: number;
  /** 1 when the password is one of the document's published demo passwords. */
  demo_password: Generated<number>;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    users: UserTable;
  }
}
