import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReservedAddress, urlProblem, type AddressPolicy } from '../../src/platform/net/url-guard.js';
import { AS_ADMIN, AS_MANAGER, startTestApp, type TestApp } from '../helpers/app.js';
import { deleteStream, natsEnv, requireNats, USE_NATS } from '../helpers/nats.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller, type Envelope } from './helpers.js';

interface Hook {
  readonly server: Server;
  readonly url: string;
  /** Every request received, failed ones included. */
  readonly calls: { headers: IncomingHttpHeaders; body: string; status: number }[];
}

/** A local callback endpoint that answers 500 to the first `failFirst` deliveries of each event id. */
async function hook(failFirst = 0): Promise<Hook> {
  const calls: Hook['calls'] = [];
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const id = String(req.headers['x-banyan-event-id']);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const status = n <= failFirst ? 500 : 204;
      calls.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/banyan`, calls };
}

async function eventually(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const validSignature = (secret: string, body: string, header: unknown): boolean => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(String(header));
  return given.length === expected.length && timingSafeEqual(given, expected);
};

describe('tenant callback URL: signed reward.paid callbacks', () => {
  const env = natsEnv();
  let app: TestApp;
  let a: Caller;
  let b: Caller;
  let aAdmin: Caller;
  let hookA: Hook;
  let hookB: Hook;

  beforeAll(async () => {
    if (USE_NATS) await requireNats();
    // A's endpoint fails twice per delivery before accepting: the callback must be retried.
    [hookA, hookB] = await Promise.all([hook(2), hook()]);
    app = await startTestApp({ ...env, REWARD_RETRY_BASE_MS: '50' });
    a = as(app, (await newTenant(app, 'cb-a')).key);
    b = as(app, (await newTenant(app, 'cb-b')).key);
    aAdmin = as(app, (await newTenant(app, 'cb-a2', ['tenant:admin'])).key);
  });
  afterAll(async () => {
    await app?.destroy();
    await deleteStream(env);
    hookA?.server.close();
    hookB?.server.close();
  });

  it('Given tenant scopes, When a default key or a tenant:admin key reads the callback settings, Then only tenant:admin may', async () => {
    expect((await a('GET', '/api/v1/tenant/callback')).status).toBe(403);
    const res = await aAdmin<{ callbackUrl: string | null; secretSet: boolean }>('GET', '/api/v1/tenant/callback');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ callbackUrl: null, secretSet: false });
    const rejected = await aAdmin('PUT', '/api/v1/tenant/callback', { callbackUrl: 'ftp://example.com/x' });
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors?.[0]?.field).toBe('callbackUrl');
    expect((await aAdmin('PUT', '/api/v1/tenant/callback', { callbackUrl: 'https://user:pw@example.com/x' })).status).toBe(400);
  });

  it('Given a manager, When the admin callback API is called, Then only ADMIN may', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/admin/tenants/cb-a/callback', headers: AS_MANAGER });
    expect(res.statusCode).toBe(403);
  });

  it('Given tenant A with a callback URL (set by staff) and B without, When both earn rewards, Then A gets exactly one signed POST per paid reward, retried after failures, and never B’s', async () => {
    const set = await app.app.inject({ method: 'PUT', url: '/api/v1/admin/tenants/cb-a/callback', headers: AS_ADMIN, payload: { callbackUrl: hookA.url } });
    expect(set.statusCode).toBe(200);
    const settings = set.json<Envelope<{ callbackUrl: string; secretSet: boolean; secret?: string }>>().data;
    expect(settings).toMatchObject({ callbackUrl: hookA.url, secretSet: true });
    const secret = settings.secret ?? '';
    expect(secret).toMatch(/^whsec_/);
    // Shown once: reading the settings never returns it.
    const read = await app.app.inject({ method: 'GET', url: '/api/v1/admin/tenants/cb-a/callback', headers: AS_ADMIN });
    expect(read.json<Envelope<Record<string, unknown>>>().data).not.toHaveProperty('secret');

    await activeCampaign(a, depositMatch());
    await activeCampaign(b, depositMatch());
    const aEvents = [deposit('pa-1', 80), deposit('pa-2', 20), deposit('pa-1', 30)];
    const bEvents = [deposit('pb-1', 80), deposit('pb-2', 40)];
    const [ra, rb] = await Promise.all([
      a<{ rewarded: number; results: { rewards: { rewardId: string }[] }[] }>('POST', '/api/v1/events', { events: aEvents }),
      b<{ rewarded: number; results: { rewards: { rewardId: string }[] }[] }>('POST', '/api/v1/events', { events: bEvents }),
    ]);
    expect(ra.body.data.rewarded).toBe(3);
    expect(rb.body.data.rewarded).toBe(2);
    const aRewards = ra.body.data.results.flatMap((r) => r.rewards.map((x) => x.rewardId));
    const bRewards = rb.body.data.results.flatMap((r) => r.rewards.map((x) => x.rewardId));

    const accepted = () => hookA.calls.filter((c) => c.status < 300);
    await eventually(() => accepted().length >= aRewards.length, 20_000, 'three accepted callbacks');
    // Let any stray redelivery arrive before counting.
    await new Promise((r) => setTimeout(r, 500));

    const bodies = accepted().map(
      (c) => JSON.parse(c.body) as { type: string; id: string; reward: { rewardId: string; tenantId: string; status: string; walletTransactionId?: string } },
    );
    expect(bodies.map((x) => x.reward.rewardId).sort()).toEqual([...aRewards].sort());
    expect(
      bodies.every(
        (x) => x.type === 'reward.paid' && x.reward.tenantId === 'cb-a' && x.reward.status === 'PAID' && typeof x.reward.walletTransactionId === 'string',
      ),
    ).toBe(true);
    // Every request (failed ones too) carries a valid signature over its exact body and the event id receivers dedupe on.
    for (const call of hookA.calls) {
      expect(validSignature(secret, call.body, call.headers['x-banyan-signature'])).toBe(true);
      expect(call.headers['x-banyan-event-id']).toBe((JSON.parse(call.body) as { id: string }).id);
    }
    // Each reward's callback failed twice and was retried until accepted, one acceptance per reward.
    for (const id of aRewards) {
      const forReward = hookA.calls.filter((c) => c.body.includes(id));
      expect(forReward.map((c) => c.status)).toEqual([500, 500, 204]);
    }
    expect(hookA.calls.some((c) => bRewards.some((id) => c.body.includes(id)))).toBe(false);
    expect(hookB.calls).toHaveLength(0);
  });

  it('Given B sets its own URL and rotates the secret, When B earns a reward, Then only B’s endpoint gets it, signed with the new secret', async () => {
    const key = await app.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tenants/cb-b/api-keys',
      headers: AS_ADMIN,
      payload: { name: 'admin', scopes: ['tenant:admin'] },
    });
    const bAdmin = as(app, key.json<Envelope<{ apiKey: string }>>().data.apiKey);
    const first = await bAdmin<{ secret?: string }>('PUT', '/api/v1/tenant/callback', { callbackUrl: hookB.url });
    expect(first.status).toBe(200);
    const rotated = await bAdmin<{ secret?: string; secretSet: boolean }>('POST', '/api/v1/tenant/callback/secret');
    expect(rotated.status).toBe(200);
    const secret = rotated.body.data.secret ?? '';
    expect(secret).not.toBe(first.body.data.secret);
    const aCallsBefore = hookA.calls.length;
    const res = await b<{ results: { rewards: { rewardId: string }[] }[] }>('POST', '/api/v1/events', { events: [deposit('pb-3', 60)] });
    const rewardId = res.body.data.results[0]?.rewards[0]?.rewardId ?? '';
    expect(rewardId).not.toBe('');
    await eventually(() => hookB.calls.some((c) => c.body.includes(rewardId)), 20_000, 'B callback');
    await new Promise((r) => setTimeout(r, 300));
    const calls = hookB.calls.filter((c) => c.body.includes(rewardId));
    expect(calls).toHaveLength(1);
    expect(validSignature(secret, calls[0]?.body ?? '', calls[0]?.headers['x-banyan-signature'])).toBe(true);
    expect(hookA.calls.length).toBe(aCallsBefore);
  });
});

describe('callback URL policy', () => {
  const production = { publicOnly: true, allowedHosts: ['hooks.internal', '10.1.2.3'] };
  const callbackUrlProblem = (raw: string, policy: AddressPolicy, resolve?: (host: string) => Promise<string[]>) =>
    urlProblem('callbackUrl', raw, policy, resolve);
  const resolveTo = (addresses: string[]) => () => Promise.resolve(addresses);

  it('Given production rules, When URLs point at private, loopback or link-local addresses, Then they are refused unless allow-listed', async () => {
    expect(await callbackUrlProblem('http://127.0.0.1:8080/x', production)).toMatch(/private or reserved/);
    expect(await callbackUrlProblem('http://[::1]/x', production)).toMatch(/private or reserved/);
    expect(await callbackUrlProblem('http://169.254.169.254/latest', production)).toMatch(/private or reserved/);
    expect(await callbackUrlProblem('http://localhost/x', production)).toMatch(/localhost/);
    expect(await callbackUrlProblem('https://evil.example/x', production, resolveTo(['192.168.1.5']))).toMatch(/resolves to a private/);
    expect(await callbackUrlProblem('https://casino.example/x', production, resolveTo(['93.184.216.34']))).toBeNull();
    expect(await callbackUrlProblem('http://10.1.2.3/x', production)).toBeNull();
    expect(await callbackUrlProblem('http://hooks.internal/x', production, resolveTo(['10.0.0.9']))).toBeNull();
    expect(await callbackUrlProblem('javascript:alert(1)', production)).toMatch(/http or https/);
  });

  it('Given production rules, When a callback URL uses [::127.0.0.1], [fec0::1], [2002:7f00:1::] or [64:ff9b:1::7f00:1] (issue 10.13), Then each is refused', async () => {
    for (const host of ['[::127.0.0.1]', '[fec0::1]', '[2002:7f00:1::]', '[64:ff9b:1::7f00:1]']) {
      expect(await callbackUrlProblem(`http://${host}/hook`, production), host).toMatch(/private or reserved/);
    }
  });

  it('Given development rules, When a loopback URL is set, Then it is accepted (scheme and credentials are still checked)', async () => {
    const dev = { publicOnly: false, allowedHosts: [] };
    expect(await callbackUrlProblem('http://127.0.0.1:9/x', dev)).toBeNull();
    expect(await callbackUrlProblem('file:///etc/passwd', dev)).toMatch(/http or https/);
    expect(isReservedAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isReservedAddress('8.8.8.8')).toBe(false);
  });
});
