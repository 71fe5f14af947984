import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/sandbox.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('banyan sandbox', () => {
  it('starts on the given port, prints its URL, and shuts down gracefully on SIGTERM', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const exit = run(['--port', '0', '--latency-ms', '1', '--failure-rate', '0']);
    await vi.waitFor(() => expect(out.join('')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/m), { timeout: 5000 });
    const url = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out.join(''))?.[1] ?? '';
    const res = await request(`${url}/_control`);
    expect(await res.body.json()).toMatchObject({ services: { wallet: { latencyMs: 1, failureRate: 0 } } });
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
    await expect(request(`${url}/health`)).rejects.toThrow();
  });

  it('exits 2 with usage on bad flags', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await run(['--failure-rate', '7'])).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toMatch(/--failure-rate/);
  });
});
