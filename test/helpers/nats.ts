import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { DB_KIND } from './app.js';

/** The broker the suite uses: real NATS JetStream with PostgreSQL (CI), in-process with SQLite. */
export const USE_NATS = DB_KIND === 'postgres' || process.env.TEST_NATS === '1';
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/**
 * Env for one test file's app: its own stream and subject namespace on the shared server, so
 * parallel files do not see each other's events. Empty without NATS (in-process bus).
 */
export function natsEnv(url: string = NATS_URL): Record<string, string> {
  if (!USE_NATS) return {};
  const id = `t${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  return { NATS_URL: url, NATS_STREAM: `BANYAN_${id}`, NATS_SUBJECT_PREFIX: `${id}.` };
}

/** Fails (never skips) when NATS is wanted and not reachable. */
export async function requireNats(url: string = NATS_URL): Promise<void> {
  const nc = await connect({ servers: url, timeout: 3000 }).catch((err: unknown) => {
    throw new Error(`NATS is required for this test (TEST_DATABASE=postgres or TEST_NATS=1) but ${url} is not reachable: ${String(err)}`);
  });
  await nc.close();
}

/** Remove a test file's stream (and its consumers). */
export async function deleteStream(env: Record<string, string>): Promise<void> {
  const url = env['NATS_URL'];
  const stream = env['NATS_STREAM'];
  if (!url || !stream) return;
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** A private nats-server (own port and store dir) that a test may stop and start: for outages. */
export class NatsServer {
  private child: ChildProcess | undefined;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'banyan-nats-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(this.port))) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode} (is ${NATS_SERVER_BIN} installed?)`);
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A free port from a range unlikely to collide with the shared services. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (!(await portOpen(port))) return port;
  }
  throw new Error('no free port');
}

/** Poll until `check` returns true (or throw after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
