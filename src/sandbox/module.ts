import { defineModule, ROLES } from '../platform/modules/contract.js';
import { sandboxFor } from '../roles.js';
import type { RunningSandbox } from './index.js';

export interface SandboxApi {
  /** The running simulators (credit bureau, AML, wallet), or null when this process needs none (roles.ts `sandboxFor`). */
  readonly running: RunningSandbox | null;
}

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    sandbox: SandboxApi;
  }
}

/**
 * The embedded simulators on SANDBOX_PORT: the demo's (API roles with the demo data) and the wallet
 * a reward-paying role pays into without WALLET_URL outside production; one process starts them
 * once for both.
 */
export const sandboxModule = defineModule<SandboxApi>({
  name: 'sandbox',
  roles: ROLES,
  async create({ config, role }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { startEmbeddedSandbox } = await import('./embedded.js');
    const wanted = sandboxFor(config, role);
    const running = wanted.demo || wanted.wallet ? await startEmbeddedSandbox(config.sandbox.port) : null;
    return { api: { running }, stop: async () => running?.close() };
  },
});
