import type { ManagedColumns } from '../platform/db/tables.js';

export interface ExternalSystemTable extends ManagedColumns {
  id: string;
  name: string;
  base_url: string;
  url_template: string;
  method: string;
  /** JSON object of header templates; secrets appear only as `${env:NAME}` references. */
  headers: unknown;
  /** JSON request body template (null: no body). */
  body_template: unknown;
  timeout_ms: number;
  retries: number;
  retry_backoff_ms: number;
  /** JSON `{ errorThresholdPercentage, resetTimeoutMs, volumeThreshold }`. */
  circuit_breaker: unknown;
  /** JSON `{ variable: "dotted.path.in.response" }`. */
  response_mapping: unknown;
  on_unavailable: string;
  max_connections: number;
  description: string | null;
  status: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    external_systems: ExternalSystemTable;
  }
}
