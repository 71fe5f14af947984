import { Type, type Static } from 'typebox';

export const OnUnavailable = Type.Union([Type.Literal('FALSE'), Type.Literal('TRUE'), Type.Literal('FAIL')], {
  description:
    'When the system cannot answer (timeout, error, open circuit): FALSE = the condition is false; TRUE = it is true; FAIL = the evaluation fails with 500 EXTERNAL_SYSTEM_ERROR.',
});
export type OnUnavailable = Static<typeof OnUnavailable>;

export const HttpMethod = Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT')]);
export const SystemStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')]);

export const CircuitBreakerSettings = Type.Object(
  {
    errorThresholdPercentage: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 50,
      description: 'Failure share (%) in the rolling window that opens the circuit.',
    }),
    resetTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 3_600_000,
      default: 30_000,
      description: 'How long the circuit stays open before one trial call (half-open).',
    }),
    volumeThreshold: Type.Integer({ minimum: 1, maximum: 10_000, default: 5, description: 'Calls in the window before the circuit may open.' }),
  },
  { additionalProperties: false },
);
export type CircuitBreakerSettings = Static<typeof CircuitBreakerSettings>;

const NAME = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Unique name used by tree nodes (`system`).' });

export const ExternalSystemInput = Type.Object(
  {
    name: NAME,
    baseUrl: Type.String({ minLength: 1, maxLength: 500, pattern: '^https?://', description: 'Origin (and optional path prefix) of the system.' }),
    urlTemplate: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        description:
          '`{baseUrl}/credit-bureau/score/{customerId}`: `{name}` placeholders are filled from the customer (or `{vars.x}` from context variables) and URL-encoded.',
      }),
    ),
    method: Type.Optional(HttpMethod),
    headers: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 2000 }), {
        description:
          'Header templates. Secrets only as references to `BANYAN_EXT_SECRET_*` environment variables: `"Authorization": "Bearer ${env:BANYAN_EXT_SECRET_CREDIT_BUREAU_TOKEN}"` (resolved at call time, never stored).',
      }),
    ),
    bodyTemplate: Type.Optional(
      Type.Unknown({
        description: 'JSON body; strings may hold `${customer.x}` / `${vars.x}` placeholders (a string that is one placeholder keeps the value’s type).',
      }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000, description: 'Per-attempt timeout (default 2000).' })),
    retries: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10, description: 'Retries after the first attempt, for timeouts, network errors, 5xx and 429 (default 2).' }),
    ),
    retryBackoffMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'Base of the exponential backoff with jitter (default 100).' })),
    circuitBreaker: Type.Optional(Type.Partial(CircuitBreakerSettings)),
    responseMapping: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ minLength: 1, maxLength: 200 }), {
        description: 'Context variables from the JSON response: `{ "score": "score", "grade": "report.grade" }` (dotted paths). Empty: the whole response.',
      }),
    ),
    onUnavailable: Type.Optional(OnUnavailable),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, description: 'Keep-alive connections in the pool (default 64).' })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    status: Type.Optional(SystemStatus),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'credit-bureau',
        baseUrl: 'http://127.0.0.1:8090',
        urlTemplate: '{baseUrl}/credit-bureau/score/{customerId}',
        method: 'GET',
        headers: { Authorization: 'Bearer ${env:BANYAN_EXT_SECRET_CREDIT_BUREAU_TOKEN}' },
        timeoutMs: 2000,
        retries: 2,
        circuitBreaker: { errorThresholdPercentage: 50, resetTimeoutMs: 30000, volumeThreshold: 5 },
        responseMapping: { score: 'score', grade: 'grade' },
        onUnavailable: 'FALSE',
      },
    ],
  },
);
export type ExternalSystemInput = Static<typeof ExternalSystemInput>;

export const ExternalSystemView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  baseUrl: Type.String(),
  urlTemplate: Type.String(),
  method: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  bodyTemplate: Type.Unknown(),
  timeoutMs: Type.Integer(),
  retries: Type.Integer(),
  retryBackoffMs: Type.Integer(),
  circuitBreaker: CircuitBreakerSettings,
  responseMapping: Type.Record(Type.String(), Type.String()),
  onUnavailable: Type.String(),
  maxConnections: Type.Integer(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  /** Live breaker state in this process (CLOSED / OPEN / HALF_OPEN), for operators. */
  circuitState: Type.Optional(Type.String()),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type ExternalSystemView = Static<typeof ExternalSystemView>;
