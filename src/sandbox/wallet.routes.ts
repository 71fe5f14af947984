import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Decimal } from 'decimal.js';
import { Type } from 'typebox';
import { sendError } from './errors.js';
import type { WalletStore } from './wallet.store.js';

const DECIMAL_STRING = /^\d{1,15}(\.\d{1,8})?$/;

const CreditBody = Type.Object(
  {
    // The account is tenant + player: the same player id in two tenants is two accounts.
    tenantId: Type.String({ minLength: 1, maxLength: 64 }),
    playerId: Type.String({ minLength: 1, maxLength: 128 }),
    amount: Type.Union([Type.String({ maxLength: 40 }), Type.Number()]),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    reference: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

/** Amounts are decimal strings; a JSON number is accepted by its shortest decimal spelling, never as a float. */
export function parseAmount(raw: string | number): string | undefined {
  const text = typeof raw === 'number' ? (Number.isFinite(raw) ? new Decimal(raw).toFixed() : '') : raw.trim();
  if (!DECIMAL_STRING.test(text)) return undefined;
  const d = new Decimal(text);
  return d.gt(0) ? d.toFixed() : undefined;
}

export const walletRoutes: FastifyPluginAsyncTypebox<{ store: WalletStore }> = async (app, { store }) => {
  app.post(
    '/wallet/credits',
    {
      config: { service: 'wallet' },
      schema: { body: CreditBody, headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (key === undefined || key.trim() === '' || key.length > 255) {
        return sendError(reply, 400, 'IDEMPOTENCY_KEY_REQUIRED', 'header Idempotency-Key (1–255 characters) is required');
      }
      const amount = parseAmount(request.body.amount);
      if (amount === undefined) {
        return sendError(reply, 400, 'VALIDATION_ERROR', 'amount must be a positive decimal with at most 15 integer and 8 fraction digits');
      }
      const { tenantId, playerId, currency } = request.body;
      const outcome = store.credit(key, { tenantId, playerId, amount, currency, reference: request.body.reference ?? null });
      switch (outcome.kind) {
        case 'created':
          return reply.code(201).send(outcome.credit);
        case 'replayed':
          return reply.code(200).header('idempotent-replayed', 'true').send(outcome.credit);
        case 'conflict':
          return sendError(
            reply,
            409,
            'IDEMPOTENCY_KEY_REUSED',
            `Idempotency-Key '${key}' was used with a different request (${outcome.credit.transactionId})`,
          );
      }
    },
  );

  app.get(
    '/wallet/credits',
    {
      config: { service: 'wallet' },
      schema: {
        querystring: Type.Object({
          tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          playerId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        }),
      },
    },
    async (request) => ({ credits: store.list({ tenantId: request.query.tenantId, playerId: request.query.playerId }) }),
  );

  // Stats are for test harnesses: never delayed or failed by the controls.
  app.get('/wallet/stats', async () => store.stats());
};
