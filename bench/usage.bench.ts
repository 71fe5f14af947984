/**
 * The usage metering hook's cost per request: one HTTP app (the real stack: request id, auth
 * hook, envelope) with a cheap tenant route, built twice — without and with the usage module's
 * routes plugin (its onResponse hook counting every tenant response in memory, flushing to SQLite
 * every USAGE_FLUSH_MS) — driven by `app.inject` in interleaved rounds. The tenant credential is
 * a stub (no database), so the difference is the hook. Also the meter's `record` alone.
 *
 * Run: npm run bench:usage   (BENCH_REQUESTS=20000 per round, BENCH_ROUNDS=5)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import type { TenantAuthenticator } from '../src/platform/http/auth.js';
import { createLoginLimiter } from '../src/platform/http/login-limiter.js';
import { buildHttpServer, ok, type App } from '../src/platform/http/server.js';
import { usageMigrations } from '../src/usage/usage.migrations.js';
import { usageRoutes } from '../src/usage/usage.routes.js';
import { createUsageService, type UsageService } from '../src/usage/usage.service.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const logger = pino({ level: 'silent' });
const limits = { userAttempts: 5, addressAttempts: 20, windowMs: 60_000 };
const tenants: TenantAuthenticator = {
  fromApiKey: async (key) => ({ ok: true, principal: { tenantId: 'bench', keyId: key.slice(0, 12), scopes: ['campaigns:read'], via: 'api-key' } }),
  fromToken: async () => ({ ok: false, reason: 'invalid' }),
};

async function buildApp(usage: UsageService | undefined): Promise<App> {
  const app = await buildHttpServer({
    logger,
    bodyLimitBytes: 1_048_576,
    swaggerEnabled: false,
    version: 'bench',
    auth: { authenticator: { authenticate: async () => null }, tenants, limiter: await createLoginLimiter(limits) },
  });
  app.get('/api/v1/bench/:id', { config: { auth: { tenant: ['campaigns:read'] } }, schema: { hide: true } }, async (request) =>
    ok(request, { id: (request.params as { id: string }).id }, { zh: 'OK', en: 'OK' }),
  );
  if (usage) await app.register(usageRoutes(usage));
  await app.ready();
  return app;
}

/** µs per request over REQUESTS sequential injects (8 keys, 16 ids: a realistic spread of counters). */
async function run(app: App): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/bench/${i % 16}`, headers: { 'x-api-key': `bnk_live_k${i % 8}0000000000_secret` } });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
  }
  return Number(process.hrtime.bigint() - started) / 1000 / REQUESTS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'banyan-bench-usage-'));
  const database = openDatabase({ kind: 'sqlite', file: join(dir, 'banyan.db') }, logger);
  try {
    await migrateToLatest(database, usageMigrations);
    const usage = createUsageService({ database, logger, flushMs: 5000 });
    usage.start();
    const without = await buildApp(undefined);
    const withUsage = await buildApp(usage);
    await run(without);
    await run(withUsage);
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      a.push(await run(without));
      b.push(await run(withUsage));
      console.log(`round ${round + 1}: without ${a.at(-1)?.toFixed(2)} µs/req, with usage ${b.at(-1)?.toFixed(2)} µs/req`);
    }
    await usage.flush();

    const meter = createUsageService({ database, logger, flushMs: 3_600_000 });
    const N = 1_000_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) meter.record('bench', `k${i % 8}`, '/api/v1/bench/:id', 'GET', 200);
    const recordNs = Number(process.hrtime.bigint() - started) / N;

    console.log(`\nusage metering, ${ROUNDS} interleaved rounds of ${REQUESTS} app.inject requests (median):`);
    console.log(`  without the usage module: ${median(a).toFixed(2)} µs/request`);
    console.log(`  with the usage module:    ${median(b).toFixed(2)} µs/request`);
    console.log(`  hook overhead:            ${(median(b) - median(a)).toFixed(2)} µs/request (${(((median(b) - median(a)) / median(a)) * 100).toFixed(1)} %)`);
    console.log(`  meter.record alone:       ${recordNs.toFixed(0)} ns/call`);
    await without.close();
    await withUsage.close();
    await usage.stop();
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
