import type { Config } from '../config.js';

/**
 * One address policy for every outbound URL (url-guard.ts): public-only in production. External
 * systems may use EXTERNAL_HOSTS_ALLOW (then only those, in production); tenant callback URLs may
 * use CALLBACK_ALLOWED_HOSTS.
 */
export function addressPolicies(config: Config) {
  const publicOnly = config.env === 'production';
  return {
    external: { publicOnly, allowedHosts: config.externalHostsAllow, onlyAllowed: publicOnly && config.externalHostsAllow.length > 0 },
    callbacks: { publicOnly, allowedHosts: config.rewards.callbackAllowedHosts },
  };
}
