import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MODES, SERVICES, type ControlBoard, type ServiceControl, type ServiceName } from './controls.js';

const ControlBody = Type.Object(
  {
    service: Type.Union([...SERVICES, 'all'].map((s) => Type.Literal(s))),
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
    jitterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
    failureRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    mode: Type.Optional(Type.Union(MODES.map((m) => Type.Literal(m)))),
    /** Reseed every service's PRNG (restarts the failure sequence). */
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
  },
  { additionalProperties: false },
);

export const controlRoutes: FastifyPluginAsyncTypebox<{ board: ControlBoard }> = async (app, { board }) => {
  const view = () => ({ seed: board.seed, services: board.snapshot() });

  app.get('/_control', async () => view());

  app.post('/_control', { schema: { body: ControlBody } }, async (request) => {
    const { service, seed, ...rest } = request.body;
    const patch: Partial<ServiceControl> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const targets: readonly ServiceName[] = service === 'all' ? SERVICES : [service as ServiceName];
    for (const s of targets) board.set(s, patch);
    if (seed !== undefined) board.reseed(seed);
    return view();
  });
};
