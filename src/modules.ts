import { auditModule } from './audit/module.js';
import { campaignsModule } from './campaigns/module.js';
import { commandsModule } from './commands.js';
import { demoAccountsModule, demoModule } from './demo/module.js';
import { evaluationModule } from './evaluation/module.js';
import { eventsModule } from './events/module.js';
import { externalModule } from './external/module.js';
import type { Config } from './platform/config.js';
import { loginLimiterModule } from './platform/http/login-limiter.module.js';
import type { BanyanModule } from './platform/modules/contract.js';
import { outboxModule } from './platform/outbox/module.js';
import { playersModule } from './players/module.js';
import { referenceModule } from './reference/module.js';
import { rewardsModule } from './rewards/module.js';
import { rulesModule } from './rules/module.js';
import { sandboxModule } from './sandbox/module.js';
import { templatesModule } from './templates/module.js';
import { tenantsModule } from './tenants/module.js';
import { treesModule } from './trees/module.js';
import { triggersModule } from './triggers/module.js';
import { usageModule } from './usage/module.js';
import { usersModule } from './users/module.js';

/**
 * The modules, in the order they are created and started (and stopped in reverse). A module may use
 * the API of any module above it (`ctx.modules.get(name)`); its routes plugin may also use those
 * below it, since routes register after every module is created. Adding a module: one folder with
 * a module.ts, and one line here.
 */
export const MODULES: readonly BanyanModule[] = [
  auditModule, // first: every later module's changes, errors and start-up events are recorded
  usageModule, // meters every tenant route (a root-scope onResponse hook; no database write on the request path)
  usersModule,
  rulesModule,
  externalModule,
  referenceModule,
  commandsModule, // the host commands of external, reference and rules (src/commands.ts)
  treesModule, // compiles with those commands
  evaluationModule,
  tenantsModule,
  demoAccountsModule, // the configured admin and the demo staff users; retires a demo tenant in production
  playersModule,
  campaignsModule,
  templatesModule,
  eventsModule,
  loginLimiterModule,
  sandboxModule,
  outboxModule,
  rewardsModule,
  triggersModule, // last to start, first to stop: no new work once shutting down
];

/** What this process composes: the core, plus the demo data as a boot step when DEMO_DATA. */
export function modulesFor(config: Config): readonly BanyanModule[] {
  return config.demoData ? [...MODULES, demoModule] : MODULES;
}
