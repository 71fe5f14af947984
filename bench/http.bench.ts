/**
 * HTTP benchmark: evaluate with durable audit (group commit) on SQLite and on PostgreSQL, evaluate
 * `?dryRun=true` (no writes), and a bare route (the HTTP stack without work). The server runs as a
 * child process (`banyan serve`), autocannon drives it with 50 connections for BENCH_SECONDS (10).
 *
 * Run: npm run bench:http   (BENCH_PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// BENCH_ONLY=pg,pg-dry … runs a subset: bare, dry, sqlite, pg, pg-dry (all by default).
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bare,dry,sqlite,pg,pg-dry').split(',').map((s) => s.trim()));
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
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

const outputs = new WeakMap<ChildProcess, () => string>();

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--role', 'api'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', BANYAN_BENCH: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    outputs.set(child, () => out);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"address":"(http:\/\/[^"]+)"/.exec(out);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${String(code)}):\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  // The audit writer logs its batch statistics on close: how well group commit grouped.
  const stats = /"batches":(\d+),"records":(\d+).*?"recordsPerBatch":([\d.]+)/.exec(outputs.get(child)?.() ?? '');
  if (stats) process.stderr.write(`audit writer: ${stats[2] ?? '?'} records in ${stats[1] ?? '?'} batches (${stats[3] ?? '?'} per batch)\n`);
}

async function load(name: string, url: string, path: string, method: 'GET' | 'POST'): Promise<Result> {
  const options = { url: `${url}${path}`, method, connections: CONNECTIONS, ...(method === 'POST' ? { body: BODY, headers: { 'content-type': 'application/json' } } : {}) };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT, caches, pool
  const r = await autocannon({ ...options, duration: SECONDS });
  return { name, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'banyan-bench-'));
  try {
    if (ONLY.has('bare') || ONLY.has('dry') || ONLY.has('sqlite')) {
      const sqlite = await serve({ DATA_DIR: dir });
      if (ONLY.has('bare')) results.push(await load('bare route (GET /_bench/noop)', sqlite.url, '/_bench/noop', 'GET'));
      if (ONLY.has('dry')) results.push(await load('evaluate ?dryRun=true', sqlite.url, '/api/v1/promotions/evaluate?dryRun=true', 'POST'));
      if (ONLY.has('sqlite')) results.push(await load('evaluate, durable audit, SQLite', sqlite.url, '/api/v1/promotions/evaluate', 'POST'));
      await stop(sqlite.child);
    }

    if (!ONLY.has('pg') && !ONLY.has('pg-dry')) return report(results);
    const name = `banyan_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    try {
      const postgres = await serve({ DATA_DIR: dir, DATABASE_URL: url.toString() });
      if (ONLY.has('pg')) results.push(await load('evaluate, durable audit, PostgreSQL', postgres.url, '/api/v1/promotions/evaluate', 'POST'));
      if (ONLY.has('pg-dry')) results.push(await load('evaluate ?dryRun=true (PostgreSQL node)', postgres.url, '/api/v1/promotions/evaluate?dryRun=true', 'POST'));
      await stop(postgres.child);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(results);
}

function report(results: readonly Result[]): void {
  const width = Math.max(...results.map((r) => r.name.length));
  process.stdout.write(`\nHTTP benchmark: ${CONNECTIONS} connections, ${SECONDS} s each, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}\n\n`);
  process.stdout.write(`${'scenario'.padEnd(width)}  ${'req/s'.padStart(7)}  ${'p50 ms'.padStart(6)}  ${'p99 ms'.padStart(6)}  errors  non-2xx\n`);
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(width)}  ${String(r.rps).padStart(7)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${String(r.non2xx).padStart(7)}\n`);
  }
  const by = (n: string) => results.find((r) => r.name.startsWith(n));
  const bare = by('bare');
  const dry = by('evaluate ?dryRun=true');
  const pgDurable = by('evaluate, durable audit, PostgreSQL');
  if (bare && dry && pgDurable) {
    process.stdout.write(`\ndry run / bare: ${(dry.rps / bare.rps).toFixed(2)} (target >= 0.6)\n`);
    process.stdout.write(`durable PostgreSQL / dry run: ${(pgDurable.rps / dry.rps).toFixed(2)} (target >= 0.5), p99 ${pgDurable.p99} ms (target <= 15)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
