import type { ExternalSystemInput, ExternalSystemsService } from '../external/index.js';

const SEEDER = { actor: { username: 'system', roles: ['ADMIN' as const] }, requestId: undefined };

/** The demo's external systems, pointing at the built-in sandbox (docs/sandbox.md). */
export function demoExternalSystems(sandboxUrl: string): ExternalSystemInput[] {
  return [
    {
      name: 'credit-bureau',
      baseUrl: sandboxUrl,
      urlTemplate: '{baseUrl}/credit-bureau/score/{customerId}',
      method: 'GET',
      headers: { 'X-Client-Id': 'banyan-demo' },
      timeoutMs: 2000,
      retries: 2,
      retryBackoffMs: 100,
      circuitBreaker: { errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 5 },
      responseMapping: { score: 'score', grade: 'grade', delinquencies: 'delinquencies' },
      onUnavailable: 'FALSE',
      description: '信用局查詢 (sandbox)',
    },
    {
      name: 'aml',
      baseUrl: sandboxUrl,
      urlTemplate: '{baseUrl}/aml/screen',
      method: 'POST',
      headers: { 'X-Client-Id': 'banyan-demo' },
      bodyTemplate: { customerId: '${customer.customerId}', name: '${customer.name}', country: '${customer.country}' },
      timeoutMs: 2000,
      retries: 2,
      retryBackoffMs: 100,
      circuitBreaker: { errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 5 },
      responseMapping: { hit: 'hit', riskLevel: 'riskLevel', lists: 'lists' },
      // A compliance check that cannot run must not be read as "clear".
      onUnavailable: 'FALSE',
      description: '反洗錢檢查 (sandbox)',
    },
  ];
}

/**
 * Register the demo systems, or point them at this run's sandbox when they still point at an
 * earlier one (the sandbox port may change between runs). Systems an admin re-pointed elsewhere
 * are left alone.
 */
export async function ensureDemoExternalSystems(systems: ExternalSystemsService, sandboxUrl: string): Promise<string[]> {
  const touched: string[] = [];
  for (const input of demoExternalSystems(sandboxUrl)) {
    const existing = await systems.get(input.name).catch(() => undefined);
    if (!existing) {
      await systems.create(input, SEEDER);
      touched.push(input.name);
    } else if (existing.baseUrl !== sandboxUrl && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(existing.baseUrl)) {
      await systems.update(existing.id, { ...input, headers: existing.headers, responseMapping: existing.responseMapping }, SEEDER);
      touched.push(input.name);
    }
  }
  return touched;
}
