import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';

/**
 * `HTTP_WORKERS` > 1: this process becomes a node:cluster primary that forks that many server
 * processes sharing the listening socket (Node's default round-robin distribution of
 * connections), so one host's cores all serve HTTP. The primary serves nothing itself.
 *
 * - Worker 0 runs the requested role (migrations, demo data and its simulators, the reward worker
 *   and the scheduler when the role has them); it starts first, and the others only once it is
 *   listening, so migrations and seeding never race.
 * - Workers 1…N-1 serve the API only (`role api`, no demo seeding, no simulators). With the
 *   in-process event bus they do not relay the outbox either: what they relayed would reach no
 *   consumer (worker 0 relays every process's outbox rows). With NATS every worker relays.
 * - All workers share one JWT key: JWT_SECRET, or one random key per cluster.
 * - A worker that dies is restarted after a second; three deaths within 10 s of starting in a row
 *   stop the cluster (a crash loop). SIGTERM / SIGINT are passed to every worker, which drain as a
 *   single process does; the primary exits when they have.
 *
 * Everything a process keeps in memory stays per process, as with several nodes: caches refresh
 * after their TTL (TREE_CACHE_TTL_MS …), and the failed-login throttle counts per process unless
 * REDIS_URL is set (then its counters are shared in Redis: login-limiter.ts).
 */
/** How the primary tells a worker its place (environment; read back by `workerSettings`). */
const ENV = { index: 'BANYAN_WORKER_INDEX', role: 'BANYAN_WORKER_ROLE', relay: 'BANYAN_RELAY' } as const;

export interface WorkerPlan {
  readonly index: number;
  readonly role: string;
  readonly env: Readonly<Record<string, string>>;
}

/** What each worker runs; pure, for tests. */
export function planWorkers(count: number, role: string, config: Pick<Config, 'natsUrl' | 'jwt'>, jwtSecret: string): WorkerPlan[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    role: index === 0 ? role : 'api',
    env: {
      [ENV.index]: String(index),
      [ENV.role]: index === 0 ? role : 'api',
      ...(config.jwt.secret ? {} : { JWT_SECRET: jwtSecret }),
      ...(index === 0 ? {} : { DEMO_DATA: 'false', SANDBOX_ENABLED: 'false', [ENV.relay]: config.natsUrl ? 'true' : 'false' }),
    },
  }));
}

/** This process's place in a cluster, when it is a worker: its index, role and whether it relays the outbox. */
export function workerSettings(): { index: number; role: string | undefined; relay: boolean } | undefined {
  if (!cluster.isWorker) return undefined;
  const index = Number(process.env[ENV.index]);
  if (!Number.isInteger(index)) return undefined;
  return { index, role: process.env[ENV.role], relay: process.env[ENV.relay] !== 'false' };
}

const CRASH_WINDOW_MS = 10_000;
const MAX_QUICK_DEATHS = 3;

/** A free TCP port, for PORT=0: every worker must listen on the same one (they would each pick their own). */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running cluster, seen from its primary. */
export interface ClusterHandle {
  /** The port every worker listens on. */
  readonly port: number;
  /** Resolves when every worker listens (rejects if the first start fails). */
  readonly ready: Promise<void>;
  /** Resolves with the exit code once every worker has stopped. */
  readonly finished: Promise<number>;
  /** The live workers' process ids, by index. */
  pids(): ReadonlyMap<number, number>;
  /** Pass SIGTERM to every worker and wait for them (SIGKILL after SHUTDOWN_TIMEOUT_MS + 2 s). */
  stop(code?: number): Promise<void>;
}

export interface PrimaryOptions {
  /** Worker script and Node flags (default: this process's); tests point them at the TypeScript CLI. */
  readonly exec?: string;
  readonly execArgv?: readonly string[];
  readonly args?: readonly string[];
  /** Extra environment for every worker. */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startPrimary(config: Config, role: string, logger: Logger, options: PrimaryOptions = {}): Promise<ClusterHandle> {
  if (options.exec) cluster.setupPrimary({ exec: options.exec, execArgv: [...(options.execArgv ?? [])], args: [...(options.args ?? [])] });
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const plans = planWorkers(config.httpWorkers, role, config, randomBytes(48).toString('base64url')).map((plan) => ({
    ...plan,
    env: { ...options.env, ...plan.env, PORT: String(port) },
  }));
  if (!config.jwt.secret) logger.warn('HTTP_WORKERS > 1 without JWT_SECRET: the workers share a random key for this run; tokens do not survive a restart');

  let stopping = false;
  const quickDeaths = new Map<number, number>();
  const workers = new Map<number, Worker>();

  function fork(plan: WorkerPlan): Promise<void> {
    const startedAt = Date.now();
    const worker = cluster.fork(plan.env);
    workers.set(plan.index, worker);
    return new Promise<void>((resolve, reject) => {
      let listening = false;
      worker.once('listening', () => {
        listening = true;
        resolve();
      });
      worker.once('exit', (code, signal) => {
        if (workers.get(plan.index) === worker) workers.delete(plan.index);
        if (!listening) reject(new Error(`worker ${plan.index} exited before listening (${signal ?? code})`));
        if (stopping) return;
        const quick = Date.now() - startedAt < CRASH_WINDOW_MS ? (quickDeaths.get(plan.index) ?? 0) + 1 : 0;
        quickDeaths.set(plan.index, quick);
        if (quick >= MAX_QUICK_DEATHS) {
          logger.fatal({ worker: plan.index, code, signal }, 'worker keeps dying right after start; stopping the cluster');
          void stop(1);
          return;
        }
        logger.error({ worker: plan.index, code, signal }, 'worker died; restarting it in 1 s');
        setTimeout(() => {
          if (!stopping) fork(plan).catch((error: unknown) => logger.error({ err: error, worker: plan.index }, 'worker restart failed'));
        }, 1000).unref();
      });
    });
  }

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  async function stop(code = 0): Promise<void> {
    if (stopping) return finished.then(() => undefined);
    stopping = true;
    const alive = [...workers.values()].filter((w) => !w.isDead());
    const exited = Promise.all(alive.map((w) => new Promise((r) => w.once('exit', r))));
    for (const w of alive) w.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      logger.error('workers did not stop in time; killing them');
      for (const w of alive) w.process.kill('SIGKILL');
    }, config.shutdownTimeoutMs + 2000);
    timer.unref();
    await exited;
    clearTimeout(timer);
    finish(code);
  }

  // Worker 0 first (migrations, seeding), then the others together.
  const ready = (async () => {
    const [first, ...rest] = plans;
    if (first) await fork(first);
    await Promise.all(rest.map(fork));
    logger.info({ workers: plans.length, port, roles: plans.map((p) => p.role) }, 'cluster is ready');
  })();
  ready.catch(async (error: unknown) => {
    logger.fatal({ err: error }, 'cluster start failed');
    await stop(1);
  });

  return {
    port,
    ready,
    finished,
    pids: () => new Map([...workers].flatMap(([index, w]) => (w.process.pid === undefined ? [] : [[index, w.process.pid] as const]))),
    stop,
  };
}

/** `banyan serve` as a cluster primary: start the workers, stop them on SIGTERM / SIGINT. */
export async function runPrimary(config: Config, role: string, logger: Logger): Promise<number> {
  const handle = await startPrimary(config, role, logger);
  process.once('SIGTERM', () => void handle.stop(0));
  process.once('SIGINT', () => void handle.stop(0));
  return handle.finished;
}
