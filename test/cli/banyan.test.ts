import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KIND, type TestDatabase } from '../helpers/app.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

function banyan(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe(`banyan CLI on ${DB_KIND}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('Given no command, When banyan runs, Then it prints usage and exits 2; an unknown command exits 2', () => {
    const none = banyan([], {});
    expect(none.status).toBe(2);
    expect(none.stdout).toContain('usage: banyan');
    const unknown = banyan(['frobnicate'], {});
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('Given an empty database, When banyan migrate runs twice, Then it applies the migrations and then reports up to date', () => {
    const first = banyan(['migrate'], db.env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migration/);
    const second = banyan(['migrate'], db.env);
    expect(second.stdout).toContain('up to date');
  });

  it('Given a migrated database, When banyan seed runs twice, Then the demo data is loaded once (idempotent)', () => {
    const first = banyan(['seed'], db.env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/seeded \d+ tree\(s\) and \d+ rule\(s\)/);
    const second = banyan(['seed'], db.env);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already present');
  });

  it('Given bad configuration, When banyan serve starts, Then it exits 2 naming the variable', () => {
    const res = banyan(['serve'], { ...db.env, PORT: 'eighty' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('PORT: must be an integer');
  });

  it('Given banyan serve, When it is healthy and gets SIGTERM, Then it answers, drains and exits 0', async () => {
    const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', '--host', '127.0.0.1'], {
      cwd: ROOT,
      env: { ...process.env, ...db.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const address = await new Promise<string>((resolveAddress, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line: ${output}`)), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveAddress(match[1]);
        }
      });
    });
    const health = await request(`${address}/actuator/health`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toMatchObject({ status: 'UP' });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output).toContain('shutting down');
  });
});
