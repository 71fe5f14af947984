import type { Config } from './platform/config.js';
import { ROLES, type Role } from './platform/modules/contract.js';

export { ROLES, type Role };

/** What a process of one role runs. `banyan serve --role <role>` picks the row; `createBanyan` follows it. */
export interface RolePlan {
  /** Serves the public API (every module's routes, Swagger UI). The other roles answer `/actuator/health` and `/actuator/prometheus` only. */
  readonly api: boolean;
  /** Pays rewards: the reward worker, its wallet client and the paid-reward callbacks (src/rewards/module.ts). */
  readonly rewards: boolean;
  /** Consumes `trigger.<tenant>.user.*` behaviour events and dead-letters what it refuses (src/triggers/module.ts). */
  readonly triggers: boolean;
  /** Runs the audit retention / partition job (started by `banyan serve`, src/cli/serve.ts). */
  readonly scheduler: boolean;
  /** Relays the outbox to the bus, unless `overrides.relay` is false (src/platform/outbox/module.ts). */
  readonly relay: boolean;
}

/** The roles table. A worker reachable for its health check must not become a second, unmonitored API. */
export const ROLE_PLAN: Readonly<Record<Role, RolePlan>> = {
  all: { api: true, rewards: true, triggers: true, scheduler: true, relay: true },
  api: { api: true, rewards: false, triggers: false, scheduler: false, relay: true },
  worker: { api: false, rewards: true, triggers: true, scheduler: false, relay: true },
  scheduler: { api: false, rewards: false, triggers: false, scheduler: true, relay: true },
};

/** Roles that serve the public API; the others answer `/actuator/*` only. */
export function servesApi(role: Role): boolean {
  return ROLE_PLAN[role].api;
}

/** The roles whose row has `what` set (a module's `roles`). */
export function rolesThat(what: keyof RolePlan): readonly Role[] {
  return ROLES.filter((role) => ROLE_PLAN[role][what]);
}

/**
 * The embedded simulators (credit bureau, AML, wallet; src/sandbox/module.ts) start in two cases:
 * the demo's, in API roles with DEMO_DATA and SANDBOX_ENABLED (they back the demo's EXTERNAL_SYSTEM
 * nodes; a worker re-registering the demo systems at its own address would repoint the API's);
 * and the wallet a reward-paying role pays into when WALLET_URL is not set, outside production.
 */
export function sandboxFor(config: Config, role: Role): { readonly demo: boolean; readonly wallet: boolean } {
  return {
    demo: config.demoData && config.sandbox.enabled && servesApi(role),
    wallet: ROLE_PLAN[role].rewards && !config.walletUrl && config.env !== 'production',
  };
}
