/**
 * HTTP benchmark: evaluate with durable audit (group commit) on SQLite and on PostgreSQL, evaluate
 * `?dryRun=true` (no writes), a bare route (the HTTP stack without work) and a POST echo (the stack
 * plus reading and parsing the same body), each with one server process and with HTTP_WORKERS=auto
 * (one per CPU); then the audit store alone (no HTTP). The server runs as a child process
 * (`banyan serve`), autocannon drives it with 50 connections for BENCH_SECONDS (10).
 *
 * Run: npm run bench:http   (BENCH_PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createBanyan } from '../src/app.js';
import { evaluationEntry } from '../src/audit/entries.js';
import { loadConfig } from '../src/platform/config.js';
import { newId } from '../src/platform/db/sql.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// BENCH_ONLY=pg,pg-dry … runs a subset: bare, echo, dry, sqlite, pg, pg-dry, store (all by default).
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bare,echo,dry,sqlite,pg,pg-dry,store').split(',').map((s) => s.trim()));
// BENCH_WORKERS=1,auto: the HTTP_WORKERS settings to measure (one process, and one per CPU).
const WORKERS = (process.env.BENCH_WORKERS ?? '1,auto').split(',').map((s) => s.trim());
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Seed 002's example request (POST /api/v1/promotions/evaluate).
const BODY = JSON.stringify({
  customerId: 'CUST001',
  accountType: 'VIP',
  annualIncome: 2_000_000,
  creditScore: 750,
  region: '台北市',
  transactionCount: 50,
  accountBalance: 500_000,
  transactionHistory: [
    { amount: 10000, type: 'DEPOSIT', date: '2024-01-15' },
    { amount: 5000, type: 'TRANSFER', date: '2024-01-20' },
  ],
});

interface Result {
  readonly name: string;
  readonly workers: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Server CPU (all its processes, user + system) per request, µs. */
  readonly cpuUs: number | null;
}

const outputs = new WeakMap<ChildProcess, () => string>();

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--role', 'api'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', BANYAN_BENCH: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const workers = Number(env.HTTP_WORKERS === 'auto' ? cpus().length : (env.HTTP_WORKERS ?? 1));
  return new Promise((resolve, reject) => {
    let out = '';
    outputs.set(child, () => out);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = [...out.matchAll(/"address":"(http:\/\/[^"]+)".*?"msg":"Banyan is ready"/g)];
      if (ready.length >= workers && ready[0]?.[1]) resolve({ child, url: ready[0][1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${String(code)}):\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  // The audit writer logs its batch statistics on close: how well group commit grouped.
  for (const stats of (outputs.get(child)?.() ?? '').matchAll(/"batches":(\d+),"records":(\d+).*?"recordsPerBatch":([\d.]+)/g)) {
    if (Number(stats[2]) > 100) process.stderr.write(`audit writer: ${stats[2] ?? '?'} records in ${stats[1] ?? '?'} batches (${stats[3] ?? '?'} per batch)\n`);
  }
}

/** CPU ticks (user + system) of a process and its children (cluster workers), from /proc. */
function cpuTicks(pid: number | undefined): number | null {
  if (!pid || process.platform !== 'linux') return null;
  let pids = [pid];
  try {
    pids = pids.concat(
      execFileSync('pgrep', ['-P', String(pid)])
        .toString()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    // no children
  }
  let ticks = 0;
  for (const p of pids) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks;
}

async function load(name: string, workers: string, server: { child: ChildProcess; url: string }, path: string, method: 'GET' | 'POST'): Promise<Result> {
  const options = {
    url: `${server.url}${path}`,
    method,
    connections: CONNECTIONS,
    ...(method === 'POST' ? { body: BODY, headers: { 'content-type': 'application/json' } } : {}),
  };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT, caches, pool
  const before = cpuTicks(server.child.pid);
  const r = await autocannon({ ...options, duration: SECONDS });
  const after = cpuTicks(server.child.pid);
  // /proc ticks are 1/100 s (USER_HZ 100 on Linux).
  const cpuUs = before === null || after === null || r.requests.total === 0 ? null : Math.round(((after - before) * 10_000) / r.requests.total);
  const result = { name, workers, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx, cpuUs };
  process.stderr.write(`${name} [workers ${workers}]: ${result.rps} req/s, p99 ${result.p99} ms\n`);
  return result;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'banyan-bench-'));
  try {
    for (const workers of WORKERS) {
      const env = { HTTP_WORKERS: workers };
      if (ONLY.has('bare') || ONLY.has('echo') || ONLY.has('dry') || ONLY.has('sqlite')) {
        const sqlite = await serve({ ...env, DATA_DIR: join(dir, `sqlite-${workers}`) });
        if (ONLY.has('bare')) results.push(await load('bare route (GET /_bench/noop)', workers, sqlite, '/_bench/noop', 'GET'));
        if (ONLY.has('echo')) results.push(await load('POST with the body, no work (/_bench/echo)', workers, sqlite, '/_bench/echo', 'POST'));
        if (ONLY.has('dry')) results.push(await load('evaluate ?dryRun=true', workers, sqlite, '/api/v1/promotions/evaluate?dryRun=true', 'POST'));
        if (ONLY.has('sqlite')) results.push(await load('evaluate, durable audit, SQLite', workers, sqlite, '/api/v1/promotions/evaluate', 'POST'));
        await stop(sqlite.child);
      }
      if (ONLY.has('pg') || ONLY.has('pg-dry')) {
        await withPgDatabase(async (url) => {
          const postgres = await serve({ ...env, DATA_DIR: join(dir, `pg-${workers}`), DATABASE_URL: url });
          if (ONLY.has('pg')) results.push(await load('evaluate, durable audit, PostgreSQL', workers, postgres, '/api/v1/promotions/evaluate', 'POST'));
          if (ONLY.has('pg-dry'))
            results.push(await load('evaluate ?dryRun=true (PostgreSQL node)', workers, postgres, '/api/v1/promotions/evaluate?dryRun=true', 'POST'));
          await stop(postgres.child);
        });
      }
    }
    if (ONLY.has('store')) {
      await withPgDatabase(async (url) => {
        results.push(await auditStoreAlone(url));
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(results);
}

async function withPgDatabase(run: (url: string) => Promise<void>): Promise<void> {
  const name = `banyan_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  try {
    await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * The audit store's own ceiling: no HTTP, no autocannon. In this process, 50 concurrent loops
 * (like the 50 connections) each build the audit entry of a real evaluation of the same request
 * (fresh ids; `evaluationEntry`, as the server does) and wait for its group commit, for SECONDS.
 * Both cores are left to Node and PostgreSQL.
 */
async function auditStoreAlone(url: string): Promise<Result> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, DATA_DIR: mkdtempSync(join(tmpdir(), 'banyan-store-')) });
  const banyan = await createBanyan(config, { role: 'api', relay: false });
  try {
    const customer = JSON.parse(BODY) as Record<string, unknown>;
    const response = { status: 200, body: { success: true } };
    const audit = banyan.modules.get('audit');
    const evaluation = banyan.modules.get('evaluation').service;
    const entryFor = async (): Promise<Parameters<typeof audit.writer.write>[0]> => {
      const requestId = newId();
      const startedAt = new Date();
      const outcome = await evaluation.evaluate({ customer, requestId, now: startedAt });
      const request = { endpoint: '/api/v1/promotions/evaluate', method: 'POST', payload: customer, clientIp: '127.0.0.1', userAgent: 'bench' };
      return evaluationEntry({
        requestId,
        customerId: 'CUST001',
        startedAt,
        finishedAt: new Date(),
        request,
        response: { ...response, body: { ...response.body, data: outcome.result } },
        outcome,
        error: null,
      });
    };
    const latencies: number[] = [];
    let stopAt = Date.now() + 2000;
    const loop = async (record: boolean) => {
      while (Date.now() < stopAt) {
        const t0 = performance.now();
        await audit.writer.write(await entryFor());
        if (record) latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(false))); // warm-up
    const started = performance.now();
    stopAt = Date.now() + SECONDS * 1000;
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(true)));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(before);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
    const rps = Math.round(latencies.length / seconds);
    process.stderr.write(`audit store alone: ${rps} evaluations/s, p99 ${at(0.99)} ms\n`);
    return {
      name: 'audit store alone, PostgreSQL (no HTTP; Node side shown)',
      workers: '-',
      rps,
      p50: at(0.5),
      p99: at(0.99),
      errors: 0,
      non2xx: 0,
      cpuUs: Math.round((cpu.user + cpu.system) / latencies.length),
    };
  } finally {
    await banyan.close();
  }
}

function report(results: readonly Result[]): void {
  const width = Math.max(...results.map((r) => r.name.length));
  process.stdout.write(
    `\nHTTP benchmark: ${CONNECTIONS} connections, ${SECONDS} s each, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}\n\n`,
  );
  process.stdout.write(
    `${'scenario'.padEnd(width)}  workers  ${'req/s'.padStart(7)}  ${'p50 ms'.padStart(6)}  ${'p99 ms'.padStart(6)}  server CPU µs/req  errors  non-2xx\n`,
  );
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(width)}  ${r.workers.padStart(7)}  ${String(r.rps).padStart(7)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.cpuUs ?? '?').padStart(17)}  ${String(r.errors).padStart(6)}  ${String(r.non2xx).padStart(7)}\n`,
    );
  }
  for (const workers of WORKERS) {
    const by = (n: string) => results.find((r) => r.workers === workers && r.name.startsWith(n));
    const bare = by('bare');
    const dry = by('evaluate ?dryRun=true');
    const pgDurable = by('evaluate, durable audit, PostgreSQL');
    process.stdout.write(`\nHTTP_WORKERS=${workers}:\n`);
    if (bare && dry) process.stdout.write(`  dry run / bare: ${(dry.rps / bare.rps).toFixed(2)} (target >= 0.6)\n`);
    if (dry && pgDurable)
      process.stdout.write(`  durable PostgreSQL / dry run: ${(pgDurable.rps / dry.rps).toFixed(2)} (target >= 0.5), p99 ${pgDurable.p99} ms (target <= 15)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
