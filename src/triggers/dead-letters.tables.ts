import type { ColumnType } from 'kysely';

/**
 * Bus messages a consumer could not use (not JSON, invalid, wrong tenant …), kept for an operator:
 * `GET /api/v1/admin/dead-letters`. A copy is also published on `banyan.dlq.<subject>`.
 */
export interface DeadLettersTable {
  id: string;
  /** The topic as received (without the deployment's subject prefix), e.g. `trigger.acme.user.deposit`. */
  topic: string;
  /** The bus message id (`Nats-Msg-Id` or `<stream>:<seq>`). */
  message_id: string;
  /** The tenant the subject names, when it names one. */
  tenant_id: string | null;
  /** A stable code (NOT_JSON, INVALID_TEXT, INVALID_EVENT, NO_TENANT, TENANT_MISMATCH, UNKNOWN_SUBJECT). */
  reason_code: string;
  reason: string;
  /** The body: parsed JSON, or `{ raw: text }` for a body that is not JSON (bounded; ill-formed text escaped). */
  payload: unknown;
  headers: unknown;
  delivery_count: number;
  received_at: ColumnType<string, string, never>;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    dead_letters: DeadLettersTable;
  }
}
