import type { Principal } from './http/auth.js';

/** A management change, for the audit trail (who changed what, before and after). */
export interface ChangeRecord {
  readonly entity: 'DECISION_TREE' | 'PROMOTION_RULE' | (string & {});
  readonly entityId: string;
  readonly action: 'CREATE' | 'UPDATE' | 'DELETE' | 'STATUS_CHANGE';
  readonly actor: Principal | null;
  readonly requestId: string | undefined;
  readonly before: unknown;
  readonly after: unknown;
}

/** Where management changes go. The audit module provides the durable one. */
export interface ChangeRecorder {
  record(change: ChangeRecord): Promise<void>;
}

export const noChangeRecorder: ChangeRecorder = { record: async () => undefined };

/** Who is asking, threaded from the HTTP layer into services (Vendure's RequestContext, small). */
export interface RequestContext {
  readonly actor: Principal | null;
  readonly requestId: string | undefined;
}
