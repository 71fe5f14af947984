/**
 * Which callback URLs a tenant may register. Always: absolute http(s), no credentials, at most
 * 2,000 characters. In production also: the host must not be (or resolve to) a loopback, private,
 * link-local, CGNAT, multicast or otherwise reserved address, so a tenant cannot make Banyan POST
 * into its own network (SSRF); `CALLBACK_ALLOWED_HOSTS` lists host names or addresses exempt
 * from that rule (e.g. an internal gateway). The sender checks the address again when it connects
 * (`connectGuard`), so a name that later resolves elsewhere (DNS rebinding) is refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface CallbackUrlPolicy {
  /** Refuse private and reserved destinations (production). */
  readonly publicOnly: boolean;
  /** Lower-case host names or literal addresses exempt from `publicOnly`. */
  readonly allowedHosts: readonly string[];
}

const reserved4 = new BlockList();
const reserved6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  reserved4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  reserved6.addSubnet(net, prefix, 'ipv6');
}

/** True for an address no public callback may reach (IPv4-mapped IPv6 is judged as its IPv4). */
export function isReservedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return reserved4.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  // Separate lists: a BlockList also matches IPv4 addresses against IPv4-mapped IPv6 rules.
  return family === 4 ? reserved4.check(address, 'ipv4') : reserved6.check(address, 'ipv6');
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

async function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))));
}

/** The problem with `raw` as a callback URL, or null when it is acceptable. */
export async function callbackUrlProblem(raw: string, policy: CallbackUrlPolicy, resolve: (host: string) => Promise<string[]> = resolveAll): Promise<string | null> {
  if (raw.length > 2000) return 'callbackUrl is longer than 2000 characters';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'callbackUrl is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'callbackUrl must use http or https';
  if (url.username || url.password) return 'callbackUrl must not contain credentials';
  if (!policy.publicOnly) return null;
  const host = hostOf(url);
  if (policy.allowedHosts.includes(host)) return null;
  if (isIP(host) !== 0) return isReservedAddress(host) ? `callbackUrl points at a private or reserved address (${host})` : null;
  if (host === 'localhost' || host.endsWith('.localhost')) return 'callbackUrl points at localhost';
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return `callbackUrl host ${host} does not resolve`;
  }
  const bad = addresses.find(isReservedAddress);
  if (addresses.length === 0 || bad !== undefined) return `callbackUrl host ${host} resolves to a private or reserved address (${bad ?? 'none'})`;
  return null;
}

/**
 * A `lookup` for the callback sender's sockets: under `publicOnly`, a connection to a reserved
 * address fails unless its host name is allow-listed. Undefined when there is nothing to guard.
 */
export function connectGuard(policy: CallbackUrlPolicy): LookupFunction | undefined {
  if (!policy.publicOnly) return undefined;
  const guarded: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = policy.allowedHosts.includes(hostname.toLowerCase());
      const usable = addresses.filter((a) => allowed || !isReservedAddress(a.address));
      const first = usable[0];
      if (!first) return callback(Object.assign(new Error(`callback host ${hostname} resolves only to private or reserved addresses`), { code: 'ECALLBACKBLOCKED' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      return callback(null, first.address, first.family);
    });
  };
  return guarded;
}
