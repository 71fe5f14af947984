import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** Every error the sandbox answers with: `{ error: { code, message } }`. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

/** Bad input is always a 4xx JSON error (Fastify's validation and parser errors carry their status). */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'sandbox: unexpected error');
    const code = err.validation ? 'VALIDATION_ERROR' : status === 500 ? 'INTERNAL_ERROR' : (err.code ?? 'BAD_REQUEST');
    return sendError(reply, status, code, status === 500 ? 'internal error' : err.message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url}`));
}
