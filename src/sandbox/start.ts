import { buildSandbox, type SandboxOptions } from './app.js';
import { MODES, type Mode } from './controls.js';

export interface StartSandboxOptions extends SandboxOptions {
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default 127.0.0.1: the simulators are for localhost. */
  readonly host?: string;
}

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:8090`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Build and listen. For tests, the CLI and the service's demo mode. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const app = buildSandbox(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, close: () => app.close() };
}

/** Start-up behaviour from the environment: SANDBOX_LATENCY_MS, SANDBOX_JITTER_MS, SANDBOX_FAILURE_RATE, SANDBOX_MODE, SANDBOX_SEED. */
export function sandboxOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SandboxOptions {
  const num = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in [${min}, ${max}]`);
    return n;
  };
  const mode = env['SANDBOX_MODE'];
  if (mode !== undefined && mode !== '' && !MODES.includes(mode as Mode)) throw new Error(`SANDBOX_MODE must be one of ${MODES.join(', ')}`);
  const options: Record<string, unknown> = {
    latencyMs: num('SANDBOX_LATENCY_MS', 0, 120_000),
    jitterMs: num('SANDBOX_JITTER_MS', 0, 120_000),
    failureRate: num('SANDBOX_FAILURE_RATE', 0, 1),
    seed: num('SANDBOX_SEED', 0, 2 ** 32 - 1),
    mode: mode === '' ? undefined : mode,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SandboxOptions;
}
