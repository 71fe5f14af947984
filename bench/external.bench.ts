/**
 * External-call batch benchmark: 10,000 evaluations through a tree with one EXTERNAL_SYSTEM node
 * (the sandbox credit bureau, 20 ms latency), at most 200 requests in flight so calls from
 * different requests overlap on the keep-alive pool. Path: HTTP inject → evaluation → undici →
 * sandbox (a separate process, so its latency timers do not share our event loop) → response.
 * `?dryRun=true` by default so the figure is the external-call path; `--record` adds the
 * promotion_history write per request (SQLite, synchronous=FULL). Prints throughput and percentiles.
 *
 *   npm run bench:external [-- --n 10000 --concurrency 200 --latency 20 --record]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBanyan } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '200' },
    latency: { type: 'string', default: '20' },
    record: { type: 'boolean', default: false },
  },
});
const N = Number(values.n);
const CONCURRENCY = Number(values.concurrency);
const LATENCY = Number(values.latency);
const admin = { authorization: `Basic ${Buffer.from('admin:admin123').toString('base64')}` };

const dataDir = mkdtempSync(join(tmpdir(), 'banyan-bench-'));
const sandbox = await startSandboxProcess();
const banyan = await createBanyan(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DEMO_DATA: 'false', SANDBOX_ENABLED: 'false' }));
try {
  const system = await banyan.app.inject({
    method: 'POST',
    url: '/api/v1/management/external-systems',
    headers: admin,
    payload: {
      name: 'credit-bureau',
      baseUrl: sandbox.url,
      urlTemplate: '{baseUrl}/credit-bureau/score/{customerId}',
      responseMapping: { score: 'score' },
      timeoutMs: 2000,
      retries: 0,
      maxConnections: CONCURRENCY,
    },
  });
  if (system.statusCode !== 201) throw new Error(system.body);
  const tree = await banyan.app.inject({
    method: 'POST',
    url: '/api/v1/management/decision-trees',
    headers: admin,
    payload: {
      treeId: 'bench-external',
      name: 'bench-external',
      status: 'ACTIVE',
      rootNode: {
        nodeId: 'bureau',
        nodeType: 'CONDITION',
        configuration: { commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', resultVariable: 'cb', condition: '#{#cb.score >= 0}' },
        children: [
          {
            nodeId: 'offer',
            nodeType: 'CALCULATION',
            configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { discountAmount: 100 } },
          },
        ],
      },
    },
  });
  if (tree.statusCode !== 201) throw new Error(tree.body);

  const run = async (count: number): Promise<{ latencies: number[]; failures: number; ms: number }> => {
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const response = await banyan.app.inject({
          method: 'POST',
          url: `/api/v1/promotions/evaluate${values.record ? '' : '?dryRun=true'}`,
          payload: { customerId: `CUST-${i % 5000}`, treeId: 'bench-external' },
        });
        latencies.push(performance.now() - t0);
        if (response.statusCode !== 200 || !(response.json() as { data: { eligible: boolean } }).data.eligible) failures++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { latencies, failures, ms: performance.now() - started };
  };

  await run(Math.min(1000, N)); // warm-up: JIT, pool connections
  const { latencies, failures, ms } = await run(N);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0).toFixed(1);
  const out = {
    evaluations: N,
    concurrency: CONCURRENCY,
    simulatorLatencyMs: LATENCY,
    recorded: values.record,
    database: banyan.database.dialect,
    seconds: +(ms / 1000).toFixed(2),
    throughputPerSec: Math.round(N / (ms / 1000)),
    p50Ms: pct(50),
    p95Ms: pct(95),
    p99Ms: pct(99),
    maxMs: pct(100),
    failures,
    node: process.version,
  };
  console.log(JSON.stringify(out, null, 2));
} finally {
  await banyan.close();
  sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** `banyan sandbox --port 0` in a child process; resolves with its URL from the first log line. */
function startSandboxProcess(): Promise<{ url: string; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', '--port', '0', '--latency-ms', String(LATENCY)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    let found = false;
    child.once('exit', (code) => {
      if (!found) reject(new Error(`sandbox exited with ${code}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (found) return;
      buffered += chunk.toString('utf8');
      const match = /"url":"(http:[^"]+)"/.exec(buffered);
      if (match?.[1]) {
        found = true;
        resolve({ url: match[1], close: () => void child.kill('SIGTERM') });
      }
    });
  });
}
