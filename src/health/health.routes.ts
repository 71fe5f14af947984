import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { Type } from 'typebox';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { App } from '../platform/http/server.js';

const Component = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]),
  details: Type.Optional(Type.Record(Type.String(), Type.Any())),
});
const Health = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]),
  components: Type.Object({ db: Component, diskSpace: Type.Optional(Component), ping: Component }),
});

export interface HealthDeps {
  readonly database: Database;
  /**
   * The directory this process writes (the SQLite database's folder); undefined when it writes
   * no local files (PostgreSQL), and then diskSpace is not reported: checking a folder nobody
   * uses (or that was never created) would only make the service DOWN for nothing.
   */
  readonly diskPath: string | undefined;
  readonly minFreeBytes?: number;
}

/** Where the process writes locally, for the diskSpace check: the SQLite file's directory, or nothing. */
export function localDataPath(database: Config['database']): string | undefined {
  if (database.kind !== 'sqlite' || database.file === ':memory:') return undefined;
  return path.resolve(path.dirname(database.file));
}

/** Spring Boot Actuator's health shape: DOWN (503) when any component is down. */
export function registerHealthRoutes(app: App, deps: HealthDeps): void {
  const threshold = deps.minFreeBytes ?? 10 * 1024 * 1024;
  app.get(
    '/actuator/health',
    {
      config: { auth: 'public' },
      schema: { tags: ['系統監控'], summary: '系統健康檢查', response: { 200: Health, 503: Health } },
    },
    async (_request, reply) => {
      const dbUp = await deps.database.ping();
      const disk = deps.diskPath === undefined ? undefined : await diskSpace(deps.diskPath, threshold);
      const components = {
        db: { status: dbUp ? ('UP' as const) : ('DOWN' as const), details: { database: deps.database.dialect } },
        ...(disk ? { diskSpace: disk } : {}),
        ping: { status: 'UP' as const },
      };
      const status = dbUp && (disk === undefined || disk.status === 'UP') ? 'UP' : 'DOWN';
      return reply.status(status === 'UP' ? 200 : 503).send({ status, components });
    },
  );
}

async function diskSpace(dir: string, threshold: number): Promise<{ status: 'UP' | 'DOWN'; details: Record<string, unknown> }> {
  try {
    const stats = await statfs(dir);
    const free = stats.bavail * stats.bsize;
    return { status: free >= threshold ? 'UP' : 'DOWN', details: { total: stats.blocks * stats.bsize, free, threshold, path: dir, exists: true } };
  } catch (error) {
    return { status: 'DOWN', details: { path: dir, exists: false, error: error instanceof Error ? error.message : String(error) } };
  }
}
