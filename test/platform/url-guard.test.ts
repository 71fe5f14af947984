import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { guardedConnector, isAllowedHost, isReservedAddress, urlProblem, type AddressPolicy } from '../../src/platform/net/url-guard.js';

const production: AddressPolicy = { publicOnly: true, allowedHosts: [] };
const noDns = () => Promise.reject(new Error('no DNS in this test'));

/**
 * Every row of the IANA IPv4 and IPv6 Special-Purpose Address Registries (plus multicast and
 * site-local), with a sample address inside the range and whether a public destination may have
 * it. The IANA "globally reachable = true" anycast rows (AS112, AMT, ORCHIDv2…) that sit inside a
 * block refused as a whole (192.0.0.0/24, 2001::/23) are refused with it: no callback or external
 * system has a reason to target them.
 */
const REGISTRY: readonly { range: string; rfc: string; sample: string; blocked: boolean }[] = [
  // IPv4 Special-Purpose Address Registry
  { range: '0.0.0.0/8', rfc: 'RFC 791 this network', sample: '0.1.2.3', blocked: true },
  { range: '10.0.0.0/8', rfc: 'RFC 1918 private', sample: '10.0.0.1', blocked: true },
  { range: '100.64.0.0/10', rfc: 'RFC 6598 shared address space', sample: '100.100.1.1', blocked: true },
  { range: '127.0.0.0/8', rfc: 'RFC 1122 loopback', sample: '127.0.0.1', blocked: true },
  { range: '169.254.0.0/16', rfc: 'RFC 3927 link-local', sample: '169.254.169.254', blocked: true },
  { range: '172.16.0.0/12', rfc: 'RFC 1918 private', sample: '172.31.255.254', blocked: true },
  { range: '192.0.0.0/24', rfc: 'RFC 6890 IETF protocol assignments', sample: '192.0.0.1', blocked: true },
  { range: '192.0.0.0/29', rfc: 'RFC 7335 IPv4 service continuity prefix', sample: '192.0.0.6', blocked: true },
  { range: '192.0.0.8/32', rfc: 'RFC 7600 IPv4 dummy address', sample: '192.0.0.8', blocked: true },
  { range: '192.0.0.9/32', rfc: 'RFC 7723 PCP anycast', sample: '192.0.0.9', blocked: true },
  { range: '192.0.0.10/32', rfc: 'RFC 8155 TURN anycast', sample: '192.0.0.10', blocked: true },
  { range: '192.0.0.170/32', rfc: 'RFC 8880 NAT64/DNS64 discovery', sample: '192.0.0.170', blocked: true },
  { range: '192.0.0.171/32', rfc: 'RFC 8880 NAT64/DNS64 discovery', sample: '192.0.0.171', blocked: true },
  { range: '192.0.2.0/24', rfc: 'RFC 5737 documentation TEST-NET-1', sample: '192.0.2.10', blocked: true },
  { range: '192.31.196.0/24', rfc: 'RFC 7535 AS112-v4 (globally reachable)', sample: '192.31.196.1', blocked: false },
  { range: '192.52.193.0/24', rfc: 'RFC 7450 AMT (globally reachable)', sample: '192.52.193.1', blocked: false },
  { range: '192.88.99.0/24', rfc: 'RFC 7526 deprecated 6to4 relay anycast', sample: '192.88.99.1', blocked: true },
  { range: '192.168.0.0/16', rfc: 'RFC 1918 private', sample: '192.168.1.1', blocked: true },
  { range: '192.175.48.0/24', rfc: 'RFC 7534 direct delegation AS112 (globally reachable)', sample: '192.175.48.1', blocked: false },
  { range: '198.18.0.0/15', rfc: 'RFC 2544 benchmarking', sample: '198.19.255.1', blocked: true },
  { range: '198.51.100.0/24', rfc: 'RFC 5737 documentation TEST-NET-2', sample: '198.51.100.7', blocked: true },
  { range: '203.0.113.0/24', rfc: 'RFC 5737 documentation TEST-NET-3', sample: '203.0.113.9', blocked: true },
  { range: '224.0.0.0/4', rfc: 'RFC 5771 multicast', sample: '239.255.255.250', blocked: true },
  { range: '240.0.0.0/4', rfc: 'RFC 1112 reserved', sample: '250.1.2.3', blocked: true },
  { range: '255.255.255.255/32', rfc: 'RFC 919 limited broadcast', sample: '255.255.255.255', blocked: true },
  // IPv6 Special-Purpose Address Registry
  { range: '::1/128', rfc: 'RFC 4291 loopback', sample: '::1', blocked: true },
  { range: '::/128', rfc: 'RFC 4291 unspecified', sample: '::', blocked: true },
  { range: '::/96', rfc: 'RFC 4291 IPv4-compatible (deprecated)', sample: '::127.0.0.1', blocked: true },
  { range: '::ffff:0:0/96', rfc: 'RFC 4291 IPv4-mapped', sample: '::ffff:127.0.0.1', blocked: true },
  { range: '::ffff:0:0/96 (public v4)', rfc: 'RFC 4291 IPv4-mapped', sample: '::ffff:8.8.8.8', blocked: true },
  { range: '64:ff9b::/96', rfc: 'RFC 6052 IPv4/IPv6 translation (NAT64)', sample: '64:ff9b::7f00:1', blocked: true },
  { range: '64:ff9b:1::/48', rfc: 'RFC 8215 local-use IPv4/IPv6 translation', sample: '64:ff9b:1::7f00:1', blocked: true },
  { range: '100::/64', rfc: 'RFC 6666 discard-only', sample: '100::1', blocked: true },
  { range: '100:0:0:1::/64', rfc: 'RFC 9780 dummy IPv6 prefix', sample: '100:0:0:1::1', blocked: true },
  { range: '2001::/23', rfc: 'RFC 2928 IETF protocol assignments', sample: '2001:1ff::1', blocked: true },
  { range: '2001::/32', rfc: 'RFC 4380 Teredo', sample: '2001:0:4136:e378:8000:63bf:3fff:fdd2', blocked: true },
  { range: '2001:1::1/128', rfc: 'RFC 7723 PCP anycast', sample: '2001:1::1', blocked: true },
  { range: '2001:1::2/128', rfc: 'RFC 8155 TURN anycast', sample: '2001:1::2', blocked: true },
  { range: '2001:1::3/128', rfc: 'RFC 9665 DNS-SD SRP anycast', sample: '2001:1::3', blocked: true },
  { range: '2001:2::/48', rfc: 'RFC 5180 benchmarking', sample: '2001:2::1', blocked: true },
  { range: '2001:3::/32', rfc: 'RFC 7450 AMT', sample: '2001:3::1', blocked: true },
  { range: '2001:4:112::/48', rfc: 'RFC 7535 AS112-v6', sample: '2001:4:112::1', blocked: true },
  { range: '2001:10::/28', rfc: 'RFC 4843 ORCHID (deprecated)', sample: '2001:10::1', blocked: true },
  { range: '2001:20::/28', rfc: 'RFC 7343 ORCHIDv2', sample: '2001:20::1', blocked: true },
  { range: '2001:30::/28', rfc: 'RFC 9374 drone remote ID', sample: '2001:30::1', blocked: true },
  { range: '2001:db8::/32', rfc: 'RFC 3849 documentation', sample: '2001:db8::1', blocked: true },
  { range: '2002::/16 (private v4)', rfc: 'RFC 3056 6to4 embedding 127.0.0.1', sample: '2002:7f00:1::', blocked: true },
  { range: '2002::/16 (metadata v4)', rfc: 'RFC 3056 6to4 embedding 169.254.169.254', sample: '2002:a9fe:a9fe::1', blocked: true },
  { range: '2002::/16 (public v4)', rfc: 'RFC 3056 6to4 embedding 8.8.8.8', sample: '2002:808:808::1', blocked: false },
  { range: '2620:4f:8000::/48', rfc: 'RFC 7534 direct delegation AS112 (globally reachable)', sample: '2620:4f:8000::1', blocked: false },
  { range: '3fff::/20', rfc: 'RFC 9637 documentation', sample: '3fff:fff::1', blocked: true },
  { range: '5f00::/16', rfc: 'RFC 9602 SRv6 SIDs', sample: '5f00::1', blocked: true },
  { range: 'fc00::/7', rfc: 'RFC 4193 unique local', sample: 'fd12:3456::1', blocked: true },
  { range: 'fe80::/10', rfc: 'RFC 4291 link-local', sample: 'fe80::1', blocked: true },
  { range: 'fec0::/10', rfc: 'RFC 3879 site-local (deprecated)', sample: 'fec0::1', blocked: true },
  { range: 'ff00::/8', rfc: 'RFC 4291 multicast', sample: 'ff02::1', blocked: true },
  // Public controls: the guard must not refuse the internet.
  { range: 'public IPv4', rfc: '-', sample: '93.184.216.34', blocked: false },
  { range: 'public IPv6', rfc: '-', sample: '2606:4700::1111', blocked: false },
];

describe('address policy: every IANA special-purpose range', () => {
  it.each(REGISTRY)('$range ($rfc): $sample blocked=$blocked', async ({ sample, blocked }) => {
    expect(isReservedAddress(sample)).toBe(blocked);
    const host = sample.includes(':') ? `[${sample}]` : sample;
    const problem = await urlProblem('baseUrl', `http://${host}:8080/x`, production, noDns);
    if (blocked) expect(problem).toMatch(/private or reserved/);
    else expect(problem).toBeNull();
  });

  it('Given the reproduced bypasses [::127.0.0.1], [fec0::1], [2002:7f00:1::], [64:ff9b:1::7f00:1], When checked in production, Then each is refused', async () => {
    for (const host of [
      '[::127.0.0.1]',
      '[fec0::1]',
      '[2002:7f00:1::]',
      '[64:ff9b:1::7f00:1]',
      '[::ffff:169.254.169.254]',
      '[::1]:6379',
      '127.0.0.1:5432',
      '169.254.169.254',
      '10.0.0.1',
    ]) {
      expect(await urlProblem('baseUrl', `http://${host}/`, production, noDns), host).toMatch(/private or reserved/);
    }
  });

  it('Given names, When checked in production, Then localhost is refused, a name resolving to any reserved address is refused, a public one passes', async () => {
    expect(await urlProblem('baseUrl', 'http://localhost:9/', production, noDns)).toMatch(/localhost/);
    expect(await urlProblem('baseUrl', 'https://mixed.example/', production, () => Promise.resolve(['93.184.216.34', '10.0.0.5']))).toMatch(
      /resolves to a private/,
    );
    expect(await urlProblem('baseUrl', 'https://mapped.example/', production, () => Promise.resolve(['::ffff:127.0.0.1']))).toMatch(/resolves to a private/);
    expect(await urlProblem('baseUrl', 'https://gone.example/', production, noDns)).toMatch(/does not resolve/);
    expect(await urlProblem('baseUrl', 'https://bureau.example/', production, () => Promise.resolve(['93.184.216.34']))).toBeNull();
  });

  it('Given an allow-list of host and host:port entries, When checked, Then a listed host passes even when private and, in allow-list mode, an unlisted public host is refused', async () => {
    const policy: AddressPolicy = { publicOnly: true, allowedHosts: ['bureau.internal', '10.0.0.7:8443', '[fd00::1]:443'], onlyAllowed: true };
    expect(await urlProblem('baseUrl', 'http://bureau.internal:1234/', policy, noDns)).toBeNull();
    expect(await urlProblem('baseUrl', 'https://10.0.0.7:8443/', policy, noDns)).toBeNull();
    expect(await urlProblem('baseUrl', 'https://10.0.0.7:8444/', policy, noDns)).toMatch(/allow-list/);
    expect(await urlProblem('baseUrl', 'https://[fd00:0:0::1]/', policy, noDns)).toBeNull();
    expect(await urlProblem('baseUrl', 'https://93.184.216.34/', policy, noDns)).toMatch(/allow-list/);
    expect(isAllowedHost(policy, 'BUREAU.internal', '80')).toBe(true);
  });

  it('Given EXTERNAL_HOSTS_ALLOW, When the config loads, Then host and host:port entries are kept lower-cased and a URL or path is refused naming the variable', () => {
    expect(loadConfig({ EXTERNAL_HOSTS_ALLOW: ' Bureau.Internal , 10.0.0.7:8443,[fd00::1]:443,fd00::2' }).externalHostsAllow).toEqual([
      'bureau.internal',
      '10.0.0.7:8443',
      '[fd00::1]:443',
      'fd00::2',
    ]);
    expect(() => loadConfig({ EXTERNAL_HOSTS_ALLOW: 'https://bureau.internal/' })).toThrow(ConfigError);
    expect(() => loadConfig({ EXTERNAL_HOSTS_ALLOW: 'bureau.internal/x' })).toThrow(/EXTERNAL_HOSTS_ALLOW/);
  });
});

// ---- property: every textual spelling of a blocked address is refused ----

const u32 = (a: number, b: number, c: number, d: number): number => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
/** Blocked IPv4 ranges to draw from: [first octets, prefix]. */
const BLOCKED_V4: readonly [readonly [number, number, number, number], number][] = [
  [[127, 0, 0, 0], 8],
  [[10, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
  [[172, 16, 0, 0], 12],
  [[192, 168, 0, 0], 16],
  [[100, 64, 0, 0], 10],
  [[0, 0, 0, 0], 8],
  [[224, 0, 0, 0], 4],
];
const blockedV4 = fc.tuple(fc.constantFrom(...BLOCKED_V4), fc.integer({ min: 0, max: 0xffffffff })).map(([[base, prefix], noise]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (((u32(...base) & mask) | (noise & ~mask)) >>> 0) >>> 0;
});
const octets = (n: number): number[] => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const hex16 = (n: number): string => n.toString(16);

/** The spellings an attacker uses for one IPv4 address inside a URL host. */
function v4Spellings(n: number): string[] {
  const [a, b, c, d] = octets(n) as [number, number, number, number];
  return [
    `${a}.${b}.${c}.${d}`,
    String(n), // decimal
    `0x${n.toString(16)}`, // hex
    `0${n.toString(8)}`, // octal
    `0x${a.toString(16)}.0x${b.toString(16)}.0x${c.toString(16)}.0x${d.toString(16)}`,
    `0${a.toString(8)}.0${b.toString(8)}.0${c.toString(8)}.0${d.toString(8)}`,
    `${a}.${(b << 16) + (c << 8) + d}`, // a.bcd
    `${a}.${b}.${(c << 8) + d}`, // a.b.cd
    `[::ffff:${a}.${b}.${c}.${d}]`, // mapped, dotted
    `[::ffff:${hex16((a << 8) + b)}:${hex16((c << 8) + d)}]`, // mapped, hex
    `[0:0:0:0:0:ffff:${hex16((a << 8) + b)}:${hex16((c << 8) + d)}]`, // mapped, expanded
    `[::${a}.${b}.${c}.${d}]`, // IPv4-compatible
    `[0000:0000:0000:0000:0000:0000:${hex16((a << 8) + b).padStart(4, '0')}:${hex16((c << 8) + d).padStart(4, '0')}]`,
    `[64:ff9b::${a}.${b}.${c}.${d}]`, // NAT64
    `[64:ff9b:1::${hex16((a << 8) + b)}:${hex16((c << 8) + d)}]`, // local NAT64
    `[2002:${hex16((a << 8) + b)}:${hex16((c << 8) + d)}::1]`, // 6to4
  ];
}

/** Blocked IPv6 ranges in compressed and expanded spelling. */
const blockedV6 = fc
  .tuple(fc.constantFrom(0xfe80, 0xfec0, 0xfc00, 0xfd00, 0xff02, 0x0000), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }))
  .map(([head, rest]) => {
    const groups = [head, ...rest];
    if (head === 0) groups.fill(0, 0, 6); // ::/96, IPv4-compatible
    return groups;
  });

describe('address policy properties', () => {
  it('Given any address in a blocked IPv4 range, When written in any textual form (dotted, decimal, hex, octal, short, mapped, compatible, NAT64, 6to4), Then the URL is refused', async () => {
    await fc.assert(
      fc.asyncProperty(blockedV4, async (n) => {
        for (const spelling of v4Spellings(n)) {
          const problem = await urlProblem('baseUrl', `http://${spelling}:8080/`, production, noDns);
          expect(problem, spelling).toMatch(/private or reserved|localhost|does not resolve/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('Given any address in a blocked IPv6 range, When compressed or fully expanded, Then it is refused', async () => {
    await fc.assert(
      fc.asyncProperty(blockedV6, async (groups) => {
        const expanded = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
        const short = groups.map((g) => g.toString(16)).join(':');
        for (const spelling of [expanded, short, expanded.toUpperCase()]) {
          expect(isReservedAddress(spelling), spelling).toBe(true);
          expect(await urlProblem('baseUrl', `http://[${spelling}]/`, production, noDns), spelling).toMatch(/private or reserved/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('Given random bytes, When the guard judges them, Then it never throws and a 2000::/3 address outside the listed blocks passes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        const text = groups.map((g) => g.toString(16)).join(':');
        const verdict = isReservedAddress(text);
        expect(typeof verdict).toBe('boolean');
        if ((groups[0] as number) >> 13 !== 1) expect(verdict).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- at connection time: the connector checks the address it connects to ----

describe('guarded connector', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = async (origin: string, policy: AddressPolicy): Promise<string> => {
    const pool = new Pool(origin, { connect: guardedConnector(policy, { timeout: 2000 }) });
    try {
      const res = await pool.request({ path: '/', method: 'GET' });
      await res.body.dump();
      return `HTTP ${res.statusCode}`;
    } catch (error) {
      return String((error as { code?: string }).code);
    } finally {
      await pool.close();
    }
  };

  it('Given production rules, When a socket would connect to loopback by literal or by a name resolving to it (DNS rebinding), Then no connection is made', async () => {
    const before = hits;
    expect(await get(`http://127.0.0.1:${port}`, production)).toBe('EADDRESSBLOCKED');
    expect(await get(`http://localhost:${port}`, production)).toBe('EADDRESSBLOCKED');
    expect(hits).toBe(before);
  });

  it('Given an allow-listed host:port or development rules, When connecting to loopback, Then the request goes through', async () => {
    expect(await get(`http://127.0.0.1:${port}`, { publicOnly: true, allowedHosts: [`127.0.0.1:${port}`], onlyAllowed: true })).toBe('HTTP 200');
    expect(await get(`http://127.0.0.1:${port}`, { publicOnly: false, allowedHosts: [] })).toBe('HTTP 200');
    expect(await get(`http://127.0.0.1:${port}`, { publicOnly: true, allowedHosts: ['127.0.0.1:1'], onlyAllowed: true })).toBe('EADDRESSBLOCKED');
  });
});
