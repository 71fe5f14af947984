import type { EvaluationRecorder } from './evaluation/recorder.js';
import type { ChangeRecorder } from './platform/changes.js';
import type { Database } from './platform/db/database.js';
import type { EventBus } from './platform/events/bus.js';
import type { LoginRecorder } from './platform/http/auth.js';
import type { Logger } from './platform/logger.js';
import type { Role } from './platform/modules/contract.js';
import type { CallbackResolver } from './rewards/callbacks.js';
import type { IngestBehaviour } from './triggers/trigger.consumer.js';

/**
 * Seams a deployment (or a test) may replace; everything else is built from config. The
 * composition root puts them in the module registry as `overrides`, so the module that owns a
 * seam reads it there (`ctx.modules.get('overrides').changes ?? …`).
 */
export interface BanyanOverrides {
  readonly logger?: Logger;
  readonly recorder?: (deps: { database: Database; logger: Logger }) => EvaluationRecorder;
  readonly changes?: ChangeRecorder;
  readonly logins?: LoginRecorder;
  /** Where `${env:BANYAN_EXT_SECRET_*}` secrets of external systems are read (default process.env; no other name is ever read). */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
  /** Default `all`. */
  readonly role?: Role;
  /**
   * Relay the outbox from this process (default true). A cluster's extra HTTP workers do not when
   * the bus is in-process: what they published would reach no reward worker.
   */
  readonly relay?: boolean;
  readonly bus?: EventBus;
  /** Where paid-reward callbacks go; default: the tenant's callback URL and secret (the tenants module's resolver). */
  readonly callbacks?: CallbackResolver;
  /** Behaviour-event ingestion for `trigger.<tenant>.user.*` (the campaigns module's `ingestEvents`). */
  readonly ingestBehaviour?: IngestBehaviour;
}

declare module './platform/modules/contract.js' {
  interface ModuleApis {
    overrides: BanyanOverrides;
  }
}
