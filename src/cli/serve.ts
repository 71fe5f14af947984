import { parseArgs } from 'node:util';
import { createBanyan } from '../app.js';
import { ROLE_PLAN, servesApi, type Role } from '../roles.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { runPrimary, workerSettings } from './cluster.js';

/**
 * `banyan serve [--port N] [--host H] [--role all|api|worker|scheduler]`: start the service; drain
 * and close on SIGTERM/SIGINT. Roles `all` and `api` serve HTTP; `worker` and `scheduler` serve
 * HTTP only when --port is given, and then only /actuator/health and /actuator/prometheus (src/roles.ts).
 * Every role relays the outbox.
 * With HTTP_WORKERS > 1 a serving role runs as a cluster of that many processes (cluster.ts).
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, role: { type: 'string', default: 'all' } },
    strict: true,
  });
  if (!['all', 'api', 'worker', 'scheduler'].includes(values.role ?? 'all')) {
    process.stderr.write(`banyan serve: unknown role '${values.role}' (all, api, worker, scheduler)\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ ...process.env, ...(values.port ? { PORT: values.port } : {}), ...(values.host ? { HOST: values.host } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`banyan: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const requested = (values.role ?? 'all') as Role;
  const worker = workerSettings();
  const index = worker?.index;
  const servesHttp = (r: Role) => r === 'all' || r === 'api' || values.port !== undefined;
  // Only the API is worth several server processes: a worker or scheduler cluster would make its
  // extra processes API servers (cluster.ts), i.e. a worker deployment serving the public API.
  if (index === undefined && config.httpWorkers > 1 && servesApi(requested)) {
    return runPrimary(config, requested, createLogger(config.logLevel));
  }
  // A cluster worker runs the role its primary gave it (see cluster.ts).
  const role = (worker?.role as Role | undefined) ?? requested;
  const startedAt = performance.now();
  const banyan = await createBanyan(config, { role, relay: worker?.relay ?? true });
  const serveHttp = servesHttp(role);
  const address = serveHttp ? await banyan.app.listen({ port: config.port, host: config.host }) : null;
  const startupMs = Math.round(performance.now() - startedAt);
  banyan.logger.info(
    {
      address,
      database: banyan.database.dialect,
      role,
      ...(index === undefined ? {} : { worker: index }),
      bus: banyan.bus.kind,
      walletUrl: banyan.modules.find('rewards')?.walletUrl,
      startupMs,
    },
    'Banyan is ready',
  );
  const audit = banyan.modules.get('audit');
  void audit.emit({ type: 'SYSTEM_START', category: 'SYSTEM', severity: 'INFO', source: 'cli.serve', details: { address, role, pid: process.pid, startupMs } });
  // The retention / partition job runs on scheduler nodes (and in the all-in-one process).
  if (ROLE_PLAN[role].scheduler) audit.startScheduler();

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      banyan.logger.info({ signal }, 'shutting down: draining in-flight requests');
      const timer = setTimeout(() => {
        banyan.logger.error('shutdown timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      banyan.close().then(resolve, (error: unknown) => {
        banyan.logger.error({ err: error }, 'error during shutdown');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // A cluster worker's IPC channel to its primary would keep the process alive.
  if (index !== undefined && process.connected) process.disconnect();
  return 0;
}
