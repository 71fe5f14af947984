import type { Subscription } from '../platform/events/bus.js';
import { defineModule, ROLES } from '../platform/modules/contract.js';
import { routesPlugin } from '../platform/modules/registry.js';
import { addressPolicies } from '../platform/net/policies.js';
import { StartupError } from '../platform/startup-error.js';
import { ROLE_PLAN } from '../roles.js';
import type { RewardWorker } from './worker.js';
import type { RewardsService } from './rewards.service.js';
import { rewardsMigrations } from './rewards.migrations.js';

export interface RewardsApi {
  /** Reading and retrying rewards (/api/v1/rewards). */
  readonly service: RewardsService;
  /** The reward worker, in roles that pay rewards (ROLE_PLAN.rewards); absent elsewhere. */
  readonly worker?: RewardWorker;
  /** The wallet the worker pays into (WALLET_URL, or the embedded sandbox outside production), where the worker runs. */
  readonly walletUrl?: string;
}

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    rewards: RewardsApi;
  }
}

/**
 * Rewards: the API to read and retry them (API roles), and paying them (roles with
 * ROLE_PLAN.rewards): the reward worker pays the wallet from its work queue
 * (`banyan.work.reward.pay`), and paid rewards are called back to the tenant's callback URL,
 * signed, from theirs (`banyan.work.reward.callback`).
 */
export const rewardsModule = defineModule<RewardsApi>({
  name: 'rewards',
  migrations: rewardsMigrations,
  roles: ROLES,
  async create({ config, database, bus, logger, modules, role }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { guardedConnector } = await import('../platform/net/url-guard.js');
    const { WORK } = await import('../platform/outbox/outbox.js');
    const { registerRewardRoutes } = await import('./rewards.routes.js');
    const { createRewardsService } = await import('./rewards.service.js');
    const service = createRewardsService(database.db);
    const routes = routesPlugin((app) => registerRewardRoutes(app, service));
    if (!ROLE_PLAN[role].rewards) return { api: { service }, routes };
    const { createCallbackSender } = await import('./callbacks.js');
    const { createWalletClient } = await import('./wallet.client.js');
    const { RewardWorker } = await import('./worker.js');
    let walletUrl = config.walletUrl;
    if (!walletUrl) {
      if (config.env === 'production') throw new StartupError('WALLET_URL is required for the reward worker in production');
      // On SANDBOX_PORT like the demo's, so an api process (or a person) can find the wallet it pays into.
      walletUrl = modules.get('sandbox').running?.url;
      if (!walletUrl) throw new Error('no WALLET_URL and no embedded sandbox wallet: a wiring bug (roles.ts sandboxFor)');
      logger.info({ walletUrl }, 'no WALLET_URL: paying rewards into the embedded sandbox wallet');
    }
    const wallet = createWalletClient({ baseUrl: walletUrl, timeoutMs: config.rewards.walletTimeoutMs, connections: config.rewards.concurrency });
    const worker = new RewardWorker({ db: database.db, bus, wallet, logger, config: config.rewards });
    const callbacks = createCallbackSender({
      resolve: modules.get('overrides').callbacks ?? modules.get('tenants').callbackResolver,
      timeoutMs: config.rewards.callbackTimeoutMs,
      connector: guardedConnector(addressPolicies(config).callbacks, { timeout: config.rewards.callbackTimeoutMs }),
      maxAttempts: 10,
    });
    let callbackSub: Subscription | undefined;
    return {
      api: { service, worker, walletUrl },
      routes,
      async start() {
        await worker.start();
        callbackSub = await bus.subscribe(WORK.rewardCallback, (event) => callbacks.handle(event), {
          durable: 'reward-callback',
          ackWaitMs: config.rewards.ackWaitMs,
          maxDeliver: 20,
          concurrency: 8,
        });
      },
      async stop() {
        await callbackSub?.stop();
        await callbacks.close();
        await worker.stop();
        await wallet.close();
      },
    };
  },
});
