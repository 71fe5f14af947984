import type { ColumnType } from 'kysely';

/** Every behaviour event received, once per (tenant, eventId): the idempotency record and its outcome. */
export interface BehaviourEventTable {
  tenant_id: string;
  event_id: string;
  type: string;
  player_id: string;
  occurred_at: string;
  data: unknown;
  outcome: string;
  /** Per-campaign outcomes and reward ids, as returned to the caller. */
  results: unknown;
  received_at: ColumnType<string, string, never>;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    behaviour_events: BehaviourEventTable;
  }
}
