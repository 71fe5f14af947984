import { Type, type Static, type TSchema } from 'typebox';

const FieldErrorSchema = Type.Object({
  field: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
  nodeId: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
  position: Type.Optional(Type.Object({ line: Type.Integer(), column: Type.Integer(), offset: Type.Integer() })),
});

/**
 * `T | null` as OpenAPI 3.0's `nullable: true` instead of `anyOf: [T, null]`. The documented
 * contract is the same, but fast-json-stringify writes a nullable schema directly, whereas for an
 * anyOf it runs an Ajv validation of the value on every response to choose the branch — for the
 * envelope's `data`, a validation of the whole payload. For response schemas.
 */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

/** Seed 002's envelope around `data`. */
export function EnvelopeOf<T extends TSchema>(data: T, example?: unknown) {
  return Type.Object(
    {
      success: Type.Boolean(),
      data: Nullable(data),
      message: Type.String(),
      errorCode: Nullable(Type.String()),
      timestamp: Type.String({ description: 'ISO-8601 local date-time' }),
      requestId: Type.String({ description: 'Also in the X-Request-Id header' }),
      dryRun: Type.Optional(Type.Boolean()),
    },
    example === undefined ? {} : { examples: [example] },
  );
}

export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    data: Type.Null(),
    message: Type.String(),
    errorCode: Type.String(),
    timestamp: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  {
    examples: [
      {
        success: false,
        data: null,
        message: '請求資料驗證失敗: 客戶ID不能為空',
        errorCode: 'INVALID_REQUEST',
        timestamp: '2024-01-15T10:30:00',
        requestId: 'c0a8012e-0000-4000-8000-000000000000',
      },
    ],
  },
);

const DESCRIPTIONS: Record<number, string> = {
  400: 'INVALID_REQUEST / VALIDATION_FAILED',
  401: 'UNAUTHORIZED (WWW-Authenticate: Basic)',
  403: 'FORBIDDEN',
  404: 'RESOURCE_NOT_FOUND',
  409: 'DUPLICATE_RESOURCE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'BUSINESS_RULE_VIOLATION / EVALUATION_BUDGET_EXCEEDED',
  500: 'SYSTEM_ERROR / INTERNAL_ERROR / DATABASE_ERROR / EXTERNAL_SYSTEM_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Error responses for a route's OpenAPI entry. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, { ...ErrorEnvelope, description: DESCRIPTIONS[s] ?? 'Error' }]));
}

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** An ISO-8601 date or date-time query parameter (a bare date means that day's start, or end for endDate). */
export const IsoDate = (description: string) =>
  Type.String({
    pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?)?$',
    description: `${description} (ISO 8601)`,
  });

/** The OpenAPI security of a tenant route: the tenant's API key or a tenant token. */
export const tenantSecurity: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearerAuth: [] }];
