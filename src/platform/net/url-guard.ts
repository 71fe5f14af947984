/**
 * The one address policy for every outbound request Banyan makes on someone else's say-so:
 * tenant callback URLs and external-system base URLs. Always: absolute http(s), no credentials.
 * Under `publicOnly` (production) also: the host must not be, or resolve to, an address that the
 * IANA special-purpose registries mark as not globally reachable (loopback, private, link-local,
 * CGNAT, documentation, benchmarking, ULA, site-local, multicast…), nor an IPv6 form that carries
 * such an IPv4 address (IPv4-compatible, IPv4-mapped, 6to4, NAT64, Teredo). The check runs when the
 * URL is written and again when a socket connects (`guardedConnector`): the connector resolves the
 * name itself, checks every address, and connects to the checked one, so DNS rebinding between the
 * check and the connection gains nothing.
 *
 * `allowedHosts` (`host` or `host:port`) are exempt from `publicOnly`: an operator's internal
 * gateway. With `onlyAllowed`, every other host is refused outright (an allow-list).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';

export interface AddressPolicy {
  /** Refuse private and reserved destinations (production). */
  readonly publicOnly: boolean;
  /** `host` or `host:port` entries (lower case; IPv6 with or without brackets) exempt from `publicOnly`. */
  readonly allowedHosts: readonly string[];
  /** Refuse every host that `allowedHosts` does not list. */
  readonly onlyAllowed?: boolean;
}

/**
 * IPv4 ranges that are not globally reachable (IANA IPv4 Special-Purpose Address Registry) plus
 * multicast and the former class E. Separate lists per family: a BlockList would otherwise match
 * IPv4 addresses against IPv4-mapped IPv6 rules.
 */
const blocked4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // RFC 791 "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // RFC 6598 shared address space (CGNAT)
  ['127.0.0.0', 8], // RFC 1122 loopback
  ['169.254.0.0', 16], // RFC 3927 link-local (cloud metadata 169.254.169.254)
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // RFC 6890 IETF protocol assignments (DS-Lite, NAT64 discovery, …)
  ['192.0.2.0', 24], // RFC 5737 TEST-NET-1
  ['192.88.99.0', 24], // RFC 7526 deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // RFC 2544 benchmarking
  ['198.51.100.0', 24], // RFC 5737 TEST-NET-2
  ['203.0.113.0', 24], // RFC 5737 TEST-NET-3
  ['224.0.0.0', 4], // RFC 5771 multicast
  ['240.0.0.0', 4], // RFC 1112 reserved, and 255.255.255.255 limited broadcast (RFC 919)
] as const) {
  blocked4.addSubnet(net, prefix, 'ipv4');
}

/**
 * IPv6: only global unicast (2000::/3) can be public, so everything outside it is refused
 * (::1, ::, ::/96 IPv4-compatible, ::ffff:0:0/96 mapped, 64:ff9b::/96 and 64:ff9b:1::/48 NAT64,
 * 100::/64 discard, 5f00::/16 SRv6, fc00::/7 ULA, fec0::/10 site-local, fe80::/10, ff00::/8).
 * Inside 2000::/3 these are not globally reachable either; 2002::/16 (6to4) is judged by the IPv4
 * address it embeds.
 */
const global6 = new BlockList();
global6.addSubnet('2000::', 3, 'ipv6');
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['2001::', 23], // RFC 2928 IETF protocol assignments: Teredo 2001::/32 (RFC 4380), benchmarking, ORCHID…
  ['2001:db8::', 32], // RFC 3849 documentation
  ['3fff::', 20], // RFC 9637 documentation
  ['3ffe::', 16], // RFC 3701 former 6bone, returned
] as const) {
  blocked6.addSubnet(net, prefix, 'ipv6');
}

/** True for an address no public destination may have. Anything that is not an IP address counts as reserved. */
export function isReservedAddress(address: string): boolean {
  const text = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(text)) return true;
  // ipaddr.parse also reads the legacy IPv4 forms (0x7f.1, 017700000001, 2130706433) as inet_aton does.
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv4') return blocked4.check(parsed.toString(), 'ipv4');
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return true;
  const canonical = v6.toNormalizedString();
  if (!global6.check(canonical, 'ipv6') || blocked6.check(canonical, 'ipv6')) return true;
  const bytes = v6.toByteArray();
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return blocked4.check(bytes.slice(2, 6).join('.'), 'ipv4');
  return false;
}

/** Lower case, brackets off, IPv6 in one canonical spelling, so list entries and URL hosts compare equal. */
function canonicalHost(host: string): string {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return isIP(bare) === 6 ? ipaddr.parse(bare).toString() : bare;
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. */
export function parseHostEntry(entry: string): { host: string; port: string | null } {
  const text = entry.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: canonicalHost(bracketed[1] as string), port: bracketed[2] ?? null };
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostPort) return { host: canonicalHost(hostPort[1] as string), port: hostPort[2] as string };
  return { host: canonicalHost(text), port: null };
}

const defaultPort = (protocol: string): string => (protocol === 'https:' ? '443' : '80');

/** Is `host` (with its effective port) listed in `allowedHosts`? */
export function isAllowedHost(policy: AddressPolicy, host: string, port: string): boolean {
  const wanted = canonicalHost(host);
  return policy.allowedHosts.some((entry) => {
    const parsed = parseHostEntry(entry);
    return parsed.host === wanted && (parsed.port === null || parsed.port === port);
  });
}

async function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))),
  );
}

/**
 * The problem with `raw` as an outbound URL, or null when it is acceptable. `label` names the
 * field in the message (`callbackUrl`, `baseUrl`).
 */
export async function urlProblem(
  label: string,
  raw: string,
  policy: AddressPolicy,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<string | null> {
  if (raw.length > 2000) return `${label} is longer than 2000 characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${label} is not an absolute URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${label} must use http or https`;
  if (url.username || url.password) return `${label} must not contain credentials`;
  const host = canonicalHost(url.hostname);
  const port = url.port || defaultPort(url.protocol);
  if (isAllowedHost(policy, host, port)) return null;
  if (policy.onlyAllowed) return `${label} host ${url.host} is not in the allow-list`;
  if (!policy.publicOnly) return null;
  // The WHATWG parser has already turned 0x7f.1, 2130706433 and friends into dotted quads.
  if (isIP(host) !== 0) return isReservedAddress(host) ? `${label} points at a private or reserved address (${host})` : null;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${label} points at localhost`;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return `${label} host ${host} does not resolve`;
  }
  const bad = addresses.find(isReservedAddress);
  if (addresses.length === 0 || bad !== undefined) return `${label} host ${host} resolves to a private or reserved address (${bad ?? 'none'})`;
  return null;
}

const blockedError = (message: string): Error => Object.assign(new Error(message), { code: 'EADDRESSBLOCKED' });

/** A `lookup` that resolves every address, drops the reserved ones, and fails when none is left. */
export function guardedLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const usable = addresses.filter((a) => !isReservedAddress(a.address));
      const first = usable[0];
      if (!first) return callback(blockedError(`host ${hostname} resolves only to private or reserved addresses`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici connector that applies `policy` to every connection: a listed host connects as
 * usual; otherwise (allow-list mode) it is refused, or (public-only mode) an IP literal must be
 * public and a name is resolved by `guardedLookup`, whose checked address is the one the socket
 * connects to.
 */
export function guardedConnector(policy: AddressPolicy, options: { readonly timeout?: number } = {}): buildConnector.connector {
  const plain = buildConnector({ ...options });
  const guarded = buildConnector({ ...options, lookup: guardedLookup() });
  return (opts, callback) => {
    const port = opts.port || defaultPort(opts.protocol);
    if (isAllowedHost(policy, opts.hostname, port)) return plain(opts, callback);
    if (policy.onlyAllowed) return callback(blockedError(`host ${opts.hostname}:${port} is not in the allow-list`), null);
    if (!policy.publicOnly) return plain(opts, callback);
    if (isIP(opts.hostname) !== 0 && isReservedAddress(opts.hostname)) return callback(blockedError(`address ${opts.hostname} is private or reserved`), null);
    return guarded(opts, callback);
  };
}
