import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

/**
 * Configuration comes from the environment only, is validated once at start against this schema
 * (a bad value stops the process with a message naming the variable) and is then frozen.
 */
const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^(postgres|postgresql|sqlite)://' })),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  DEMO_DATA: Type.Boolean({ default: true }),
  BANYAN_ADMIN_USER: Type.String({ minLength: 1, default: 'admin' }),
  BANYAN_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  TREE_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 2000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  LOGIN_THROTTLE_FREE_ATTEMPTS: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_THROTTLE_MAX_DELAY_MS: Type.Integer({ minimum: 0, default: 5000 }),
  SWAGGER_ENABLED: Type.Optional(Type.Boolean()),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  NATS_URL: Type.Optional(Type.String({ pattern: '^(nats|tls)://' })),
  AUDIT_MODE: Type.Union([Type.Literal('strict'), Type.Literal('best-effort')], { default: 'strict' }),
  AUDIT_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 10_000, default: 64 }),
  AUDIT_FLUSH_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 2 }),
  AUDIT_MAX_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 32, default: 6 }),
  AUDIT_RETRY_QUEUE_SIZE: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
  AUDIT_PARTITION_MONTHS_AHEAD: Type.Integer({ minimum: 1, maximum: 36, default: 3 }),
  AUDIT_RETENTION_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 3_600_000 }),
  AUDIT_RETENTION_REQUEST_LOGS_MONTHS: Type.Integer({ minimum: 1, maximum: 1200, default: 3 }),
  AUDIT_RETENTION_AUDIT_TRAILS_MONTHS: Type.Integer({ minimum: 1, maximum: 1200, default: 84 }),
  AUDIT_RETENTION_DECISION_STEPS_MONTHS: Type.Integer({ minimum: 1, maximum: 1200, default: 12 }),
  AUDIT_RETENTION_SYSTEM_EVENTS_MONTHS: Type.Integer({ minimum: 1, maximum: 1200, default: 6 }),
  AUDIT_RETENTION_CALL_LOGS_MONTHS: Type.Integer({ minimum: 1, maximum: 1200, default: 12 }),
});

export type Env = Static<typeof EnvSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly demoData: boolean;
  readonly admin: { readonly user: string; readonly password: string | undefined };
  readonly treeCacheTtlMs: number;
  readonly shutdownTimeoutMs: number;
  readonly loginThrottle: { readonly freeAttempts: number; readonly maxDelayMs: number };
  readonly swaggerEnabled: boolean;
  readonly redisUrl: string | undefined;
  readonly natsUrl: string | undefined;
  readonly audit: AuditConfig;
}

export interface AuditConfig {
  /** strict: an evaluation is answered only after its audit records committed; best-effort: answer, retry in the background. */
  readonly mode: 'strict' | 'best-effort';
  readonly batchSize: number;
  readonly flushMs: number;
  /** Batches committing concurrently on PostgreSQL (SQLite: always 1). */
  readonly maxInFlight: number;
  readonly retryQueueSize: number;
  readonly partitionMonthsAhead: number;
  readonly retentionIntervalMs: number;
  /** Retention in months per table. */
  readonly retention: {
    readonly request_logs: number;
    readonly audit_trails: number;
    readonly decision_steps: number;
    readonly system_events: number;
    readonly external_call_logs: number;
    readonly database_query_logs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };

/** Read, convert, validate and freeze. Unknown variables are ignored; known ones must be valid. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(EnvSchema.properties)) {
    const text = source[key];
    if (text === undefined || text === '') continue;
    const type = (schema as { type?: string }).type;
    if (type === 'integer') {
      raw[key] = /^-?\d+$/.test(text.trim()) ? Number(text) : text;
    } else if (type === 'boolean') {
      const b = BOOLEAN_TEXT[text.trim().toLowerCase()];
      raw[key] = b ?? text;
    } else {
      raw[key] = text;
    }
  }
  const withDefaults = Value.Default(EnvSchema, raw) as Record<string, unknown>;
  for (const [key, schema] of Object.entries(EnvSchema.properties)) {
    const value = withDefaults[key];
    if (value === undefined || Value.Check(schema, value)) continue;
    problems.push(`${key}: ${describe(schema)} (got ${JSON.stringify(source[key])})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const env = withDefaults as Env;

  if (env.NODE_ENV === 'production' && !env.BANYAN_ADMIN_PASSWORD) {
    throw new ConfigError(['BANYAN_ADMIN_PASSWORD: required when NODE_ENV=production (demo passwords are refused in production)']);
  }
  const database: Config['database'] = env.DATABASE_URL?.startsWith('postgres')
    ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DB_POOL_SIZE }
    : { kind: 'sqlite', file: env.DATABASE_URL ? env.DATABASE_URL.replace(/^sqlite:\/\//, '') : `${env.DATA_DIR}/banyan.db` };

  return Object.freeze({
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    database: Object.freeze(database),
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    demoData: env.DEMO_DATA,
    admin: Object.freeze({ user: env.BANYAN_ADMIN_USER, password: env.BANYAN_ADMIN_PASSWORD }),
    treeCacheTtlMs: env.TREE_CACHE_TTL_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    loginThrottle: Object.freeze({ freeAttempts: env.LOGIN_THROTTLE_FREE_ATTEMPTS, maxDelayMs: env.LOGIN_THROTTLE_MAX_DELAY_MS }),
    swaggerEnabled: env.SWAGGER_ENABLED ?? env.NODE_ENV !== 'production',
    redisUrl: env.REDIS_URL,
    natsUrl: env.NATS_URL,
    audit: Object.freeze({
      mode: env.AUDIT_MODE,
      batchSize: env.AUDIT_BATCH_SIZE,
      flushMs: env.AUDIT_FLUSH_MS,
      maxInFlight: env.AUDIT_MAX_IN_FLIGHT,
      retryQueueSize: env.AUDIT_RETRY_QUEUE_SIZE,
      partitionMonthsAhead: env.AUDIT_PARTITION_MONTHS_AHEAD,
      retentionIntervalMs: env.AUDIT_RETENTION_INTERVAL_MS,
      retention: Object.freeze({
        request_logs: env.AUDIT_RETENTION_REQUEST_LOGS_MONTHS,
        audit_trails: env.AUDIT_RETENTION_AUDIT_TRAILS_MONTHS,
        decision_steps: env.AUDIT_RETENTION_DECISION_STEPS_MONTHS,
        system_events: env.AUDIT_RETENTION_SYSTEM_EVENTS_MONTHS,
        external_call_logs: env.AUDIT_RETENTION_CALL_LOGS_MONTHS,
        database_query_logs: env.AUDIT_RETENTION_CALL_LOGS_MONTHS,
      }),
    }),
  });
}

/** A human sentence for what a variable accepts, from its schema. */
function describe(schema: unknown): string {
  const s = schema as { anyOf?: { const?: unknown }[]; type?: string; minimum?: number; maximum?: number; pattern?: string };
  if (s.anyOf) return `must be one of ${s.anyOf.map((a) => String(a.const)).join(', ')}`;
  if (s.type === 'boolean') return 'must be true or false';
  if (s.type === 'integer') {
    const range = s.minimum !== undefined ? ` >= ${s.minimum}` + (s.maximum !== undefined ? ` and <= ${s.maximum}` : '') : '';
    return `must be an integer${range}`;
  }
  if (s.pattern) return `must match ${s.pattern}`;
  return `must be a non-empty ${s.type ?? 'value'}`;
}
