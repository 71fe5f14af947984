import type { ColumnType } from 'kysely';

export interface PlayerTable {
  tenant_id: string;
  id: string;
  /** Free-form JSON object the rules read as `player.<name>` (vipLevel, country, depositCount …). */
  attributes: unknown;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    players: PlayerTable;
  }
}
