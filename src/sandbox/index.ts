export { buildSandbox, type SandboxOptions } from './app.js';
export { startSandbox, sandboxOptionsFromEnv, type RunningSandbox, type StartSandboxOptions } from './start.js';
export { SERVICES, MODES, type Mode, type ServiceControl, type ServiceName } from './controls.js';
export type { CreditReport, CreditFixture } from './credit-bureau.routes.js';
export type { AmlResult } from './aml.routes.js';
export type { WalletCredit, WalletStats } from './wallet.store.js';
