import type { Subscription } from '../platform/events/bus.js';
import { defineModule } from '../platform/modules/contract.js';
import { addressPolicies } from '../platform/net/policies.js';
import { StartupError } from '../platform/startup-error.js';
import { rolesThat } from '../roles.js';
import type { RewardWorker } from './worker.js';
import { rewardsMigrations } from './rewards.migrations.js';

export interface RewardsApi {
  readonly worker: RewardWorker;
  /** The wallet the worker pays into (WALLET_URL, or the embedded sandbox outside production). */
  readonly walletUrl: string;
}

declare module '../platform/modules/contract.js' {
  interface ModuleApis {
    rewards: RewardsApi;
  }
}

/**
 * Paying rewards (roles with ROLE_PLAN.rewards): the reward worker pays the wallet from the
 * work queue, and paid rewards are called back to the tenant's callback URL, signed.
 */
export const rewardsModule = defineModule<RewardsApi>({
  name: 'rewards',
  migrations: rewardsMigrations,
  roles: rolesThat('rewards'),
  async create({ config, database, bus, logger, modules }) {
    // Loaded when the module is created, so listing it (e.g. for its migrations: `banyan migrate`) stays cheap.
    const { guardedConnector } = await import('../platform/net/url-guard.js');
    const { TOPICS } = await import('../platform/outbox/outbox.js');
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
      api: { worker, walletUrl },
      async start() {
        await worker.start();
        callbackSub = await bus.subscribe(TOPICS.promotionReward, (event) => callbacks.handle(event), {
          durable: 'reward-callbacks',
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
