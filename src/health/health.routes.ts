import { statfs } from 'node:fs/promises';
import { Type } from 'typebox';
import type { Database } from '../platform/db/database.js';
import type { App } from '../platform/http/server.js';

const Component = Type.Object({ status: Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]), details: Type.Optional(Type.Record(Type.String(), Type.Any())) });
const Health = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]),
  components: Type.Object({ db: Component, diskSpace: Component, ping: Component }),
});

/** Spring Boot Actuator's health shape: DOWN (503) when any component is down. */
export function registerHealthRoutes(app: App, deps: { database: Database; dataDir: string; minFreeBytes?: number }): void {
  const threshold = deps.minFreeBytes ?? 10 * 1024 * 1024;
  app.get(
    '/actuator/health',
    {
      config: { auth: 'public' },
      schema: { tags: ['系統監控'], summary: '系統健康檢查', response: { 200: Health, 503: Health } },
    },
    async (_request, reply) => {
      const dbUp = await deps.database.ping();
      let disk: { status: 'UP' | 'DOWN'; details: Record<string, unknown> };
      try {
        const stats = await statfs(deps.dataDir);
        const free = stats.bavail * stats.bsize;
        disk = { status: free >= threshold ? 'UP' : 'DOWN', details: { total: stats.blocks * stats.bsize, free, threshold } };
      } catch (error) {
        disk = { status: 'DOWN', details: { error: error instanceof Error ? error.message : String(error) } };
      }
      const components = {
        db: { status: dbUp ? ('UP' as const) : ('DOWN' as const), details: { database: deps.database.dialect } },
        diskSpace: disk,
        ping: { status: 'UP' as const },
      };
      const status = dbUp && disk.status === 'UP' ? 'UP' : 'DOWN';
      return reply.status(status === 'UP' ? 200 : 503).send({ status, components });
    },
  );
}
