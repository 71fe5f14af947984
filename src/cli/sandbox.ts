/**
 * `banyan sandbox`: serve the credit bureau, AML and wallet simulators on localhost.
 *
 *   banyan sandbox [--port 8090] [--host 127.0.0.1] [--latency-ms N] [--jitter-ms N]
 *                  [--failure-rate R] [--mode ok|fail|slow|timeout] [--seed N]
 *
 * Environment (overridden by flags): SANDBOX_LATENCY_MS, SANDBOX_JITTER_MS, SANDBOX_FAILURE_RATE,
 * SANDBOX_MODE, SANDBOX_SEED.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { MODES, type Mode } from '../sandbox/controls.js';
import { sandboxOptionsFromEnv, startSandbox, type StartSandboxOptions } from '../sandbox/start.js';

const USAGE =
  'usage: banyan sandbox [--port 8090] [--host 127.0.0.1] [--latency-ms N] [--jitter-ms N] [--failure-rate R] [--mode ok|fail|slow|timeout] [--seed N]\n';

export function parseSandboxArgs(argv: string[], env: Readonly<Record<string, string | undefined>>): StartSandboxOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '8090' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'failure-rate': { type: 'string' },
      mode: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const num = (flag: string, raw: string | undefined, min: number, max: number): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new Error(`--${flag} must be a number in [${min}, ${max}]`);
    return n;
  };
  if (values.mode !== undefined && !MODES.includes(values.mode as Mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}`);
  const flags: Record<string, unknown> = {
    port: num('port', values.port, 0, 65_535),
    host: values.host,
    latencyMs: num('latency-ms', values['latency-ms'], 0, 120_000),
    jitterMs: num('jitter-ms', values['jitter-ms'], 0, 120_000),
    failureRate: num('failure-rate', values['failure-rate'], 0, 1),
    seed: num('seed', values.seed, 0, 2 ** 32 - 1),
    mode: values.mode,
  };
  return { ...sandboxOptionsFromEnv(env), ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
}

export async function run(argv: string[]): Promise<number> {
  let options: StartSandboxOptions;
  try {
    options = parseSandboxArgs(argv, process.env);
  } catch (err) {
    process.stderr.write(`banyan sandbox: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const logger = pino({ name: 'sandbox' });
  const sandbox = await startSandbox({ ...options, logger });
  logger.info({ url: sandbox.url }, `sandbox listening on ${sandbox.url}`);
  process.stdout.write(`${sandbox.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'sandbox: shutting down');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}
