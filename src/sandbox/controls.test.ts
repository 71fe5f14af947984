import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSandboxArgs } from '../cli/sandbox.js';
import { createPrng } from './controls.js';
import { sandboxOptionsFromEnv, startSandbox, type RunningSandbox, type StartSandboxOptions } from './start.js';

const running: RunningSandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const sb = await startSandbox(options);
  running.push(sb);
  return sb;
}

async function post(sb: RunningSandbox, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function score(sb: RunningSandbox): Promise<number> {
  const res = await request(`${sb.url}/credit-bureau/score/C1`);
  await res.body.dump();
  return res.statusCode;
}

describe('behaviour controls', () => {
  it('GET /_control shows the start-up settings; POST changes one service at run time', async () => {
    const sb = await start({ latencyMs: 1, failureRate: 0.1, seed: 7 });
    const initial = (await (await request(`${sb.url}/_control`)).body.json()) as Record<string, unknown>;
    expect(initial).toEqual({
      seed: 7,
      services: {
        'credit-bureau': { latencyMs: 1, jitterMs: 0, failureRate: 0.1, mode: 'ok' },
        aml: { latencyMs: 1, jitterMs: 0, failureRate: 0.1, mode: 'ok' },
        wallet: { latencyMs: 1, jitterMs: 0, failureRate: 0.1, mode: 'ok' },
      },
    });
    const changed = await post(sb, '/_control', { service: 'wallet', mode: 'fail', latencyMs: 0 });
    expect(changed.json).toMatchObject({ services: { wallet: { mode: 'fail', latencyMs: 0, failureRate: 0.1 }, aml: { mode: 'ok' } } });
  });

  it('latency is observed by the caller', async () => {
    const sb = await start();
    await post(sb, '/_control', { service: 'credit-bureau', latencyMs: 150 });
    const t0 = performance.now();
    expect(await score(sb)).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('the failure rate is honoured approximately and reproducibly with a fixed seed', async () => {
    const sb = await start({ seed: 1234, services: { 'credit-bureau': { failureRate: 0.3 } } });
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) statuses.push(await score(sb));
      return statuses;
    };
    const first = await run();
    const failures = first.filter((s) => s === 503).length / first.length;
    expect(failures).toBeGreaterThan(0.22);
    expect(failures).toBeLessThan(0.38);
    expect(first.every((s) => s === 200 || s === 503)).toBe(true);
    await post(sb, '/_control', { service: 'all', seed: 1234 });
    expect(await run()).toEqual(first);
  });

  it('mode fail answers 503 JSON; mode ok restores service', async () => {
    const sb = await start({ mode: 'fail' });
    const failed = await post(sb, '/aml/screen', { customerId: 'C1' });
    expect(failed).toMatchObject({ status: 503, json: { error: { code: 'SIMULATED_FAILURE' } } });
    await post(sb, '/_control', { service: 'aml', mode: 'ok' });
    expect((await post(sb, '/aml/screen', { customerId: 'C1' })).status).toBe(200);
  });

  it('a failed wallet call does not credit', async () => {
    const sb = await start({ services: { wallet: { mode: 'fail' } } });
    const send = () =>
      request(`${sb.url}/wallet/credits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
        body: JSON.stringify({ tenantId: 'T', playerId: 'P', amount: '1', currency: 'TWD' }),
      });
    expect((await send()).statusCode).toBe(503);
    await post(sb, '/_control', { service: 'wallet', mode: 'ok' });
    expect((await send()).statusCode).toBe(201);
    expect(await (await request(`${sb.url}/wallet/stats`)).body.json()).toMatchObject({ credits: 1, distinctKeys: 1, duplicatesRejected: 0 });
  });

  it('mode slow adds latency; mode timeout holds then answers 504', async () => {
    const sb = await start({ slowMs: 120, hangMs: 200 });
    await post(sb, '/_control', { service: 'credit-bureau', mode: 'slow' });
    let t0 = performance.now();
    expect(await score(sb)).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    await post(sb, '/_control', { service: 'credit-bureau', mode: 'timeout' });
    t0 = performance.now();
    expect(await score(sb)).toBe(504);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('close() releases requests held by mode timeout', async () => {
    const sb = await startSandbox({ mode: 'timeout', hangMs: 60_000 });
    const pending = score(sb);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await sb.close();
    expect(await pending).toBe(503);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('configuration', () => {
  it('the PRNG is deterministic per seed', () => {
    const a = createPrng(9);
    const b = createPrng(9);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('reads start-up behaviour from the environment, and flags override it', () => {
    const env = { SANDBOX_LATENCY_MS: '25', SANDBOX_FAILURE_RATE: '0.5', SANDBOX_MODE: 'slow', SANDBOX_SEED: '3' };
    expect(sandboxOptionsFromEnv(env)).toEqual({ latencyMs: 25, failureRate: 0.5, mode: 'slow', seed: 3 });
    expect(parseSandboxArgs(['--port', '0', '--failure-rate', '0.2'], env)).toEqual({
      latencyMs: 25,
      failureRate: 0.2,
      mode: 'slow',
      seed: 3,
      port: 0,
      host: '127.0.0.1',
    });
    expect(() => sandboxOptionsFromEnv({ SANDBOX_FAILURE_RATE: '2' })).toThrow(/SANDBOX_FAILURE_RATE/);
    expect(() => parseSandboxArgs(['--mode', 'weird'], {})).toThrow(/--mode/);
    expect(() => parseSandboxArgs(['--latency-ms', 'x'], {})).toThrow(/--latency-ms/);
    expect(() => parseSandboxArgs(['--bogus'], {})).toThrow();
  });
});
