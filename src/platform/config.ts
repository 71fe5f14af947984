import { availableParallelism } from 'node:os';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { DEVELOPMENT_SECRET_KEY, parseSecretKey } from './secrets/secret-box.js';

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
  /** Server processes sharing the port (node:cluster): a number, or `auto` for one per CPU. */
  HTTP_WORKERS: Type.String({ pattern: '^(auto|[1-9][0-9]?)$', default: '1' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  /** Body limit of POST /api/v1/promotions/evaluate: a customer payload, far below the global limit. */
  EVALUATE_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 262_144 }),
  /** Computing time every evaluation (tree, campaign rule, formula, DRL) may use before EVALUATION_BUDGET_EXCEEDED. */
  EVALUATION_DEADLINE_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 50 }),
  /** A refused body is read and discarded up to this size before the 413/415 is answered. */
  BODY_DRAIN_LIMIT_BYTES: Type.Integer({ minimum: 0, default: 16_777_216 }),
  DEMO_DATA: Type.Boolean({ default: true }),
  DEMO_FACTOR_TREES_ACTIVE: Type.Boolean({ default: false }),
  BANYAN_ADMIN_USER: Type.String({ minLength: 1, default: 'admin' }),
  BANYAN_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  TREE_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 2000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  LOGIN_THROTTLE_FREE_ATTEMPTS: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_THROTTLE_ADDRESS_ATTEMPTS: Type.Integer({ minimum: 1, default: 20 }),
  LOGIN_THROTTLE_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  SWAGGER_ENABLED: Type.Optional(Type.Boolean()),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  NATS_URL: Type.Optional(Type.String({ pattern: '^(nats|tls)://' })),
  SANDBOX_ENABLED: Type.Optional(Type.Boolean()),
  SANDBOX_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
  EXTERNAL_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 5000 }),
  REFERENCE_CSV_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 10_485_760 }),
  NATS_STREAM: Type.String({ pattern: '^[A-Za-z0-9_-]+$', default: 'BANYAN' }),
  // A namespace in front of every subject, so several deployments (or test files) share one NATS.
  NATS_SUBJECT_PREFIX: Type.String({ pattern: '^([A-Za-z0-9_-]+\\.)*$', default: '' }),
  /** The tenant of the seed's un-namespaced trigger.user.<type> subjects (single-tenant deployments); unset: only trigger.<tenant>.user.<type>. */
  TRIGGER_DEFAULT_TENANT: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$' })),
  OUTBOX_POLL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 250 }),
  OUTBOX_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
  OUTBOX_RETRY_MAX_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 10_000 }),
  OUTBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 365, default: 72 }),
  WALLET_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  WALLET_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 120_000, default: 5000 }),
  REWARD_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 1000, default: 8 }),
  REWARD_RETRY_BASE_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 1000 }),
  REWARD_RETRY_MAX_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 300_000 }),
  // A claim's lease; the paying worker renews it every REWARD_HEARTBEAT_MS, so a killed worker's
  // claims are taken over about one lease (plus one heartbeat) after its last renewal.
  REWARD_LEASE_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 3000 }),
  /** Default: a third of the lease, at most 1000 ms. Must be shorter than the lease. */
  REWARD_HEARTBEAT_MS: Type.Optional(Type.Integer({ minimum: 20, maximum: 600_000 })),
  REWARD_ACK_WAIT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000 }),
  REWARD_MAX_DELIVER: Type.Integer({ minimum: 1, maximum: 100_000, default: 100 }),
  REWARD_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 32 }),
  REWARD_SWEEP_MS: Type.Integer({ minimum: 50, maximum: 3_600_000, default: 5000 }),
  /** Comma-separated host names or addresses a tenant callback URL may use even though they are private (production refuses private addresses otherwise). */
  CALLBACK_ALLOWED_HOSTS: Type.String({ default: '' }),
  /**
   * Comma-separated `host` or `host:port` entries. When set, in production an external system's
   * base URL must use one of them (and they may be private addresses); unset, production accepts
   * public addresses only.
   */
  EXTERNAL_HOSTS_ALLOW: Type.String({ default: '' }),
  CALLBACK_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 120_000, default: 5000 }),
  /** HS256 key for tenant access tokens; without it a random per-process key is used (single node only). */
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** AES-256-GCM key for secrets stored in the database (callback signing keys): 32 bytes as 64 hex digits or base64. Required in production. */
  BANYAN_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Comma-separated earlier keys, still accepted for decryption during a rotation. */
  BANYAN_SECRET_KEY_PREVIOUS: Type.Optional(Type.String({ minLength: 1 })),
  JWT_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }),
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
  /** The HTTP benchmark's baseline routes (`/_bench/noop`, `/_bench/echo`); set by bench/http.bench.ts only. */
  BANYAN_BENCH: Type.Boolean({ default: false }),
  /** How often each API process stores the request counts it metered (src/usage); also on shutdown. */
  USAGE_FLUSH_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 5000 }),
});

export type Env = Static<typeof EnvSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  /** HTTP server processes (`HTTP_WORKERS`, resolved: `auto` is the CPU count). */
  readonly httpWorkers: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Expression sandbox: the evaluation deadline and the evaluate route's body limit. */
  readonly evaluation: { readonly deadlineMs: number; readonly bodyLimitBytes: number };
  readonly bodyDrainLimitBytes: number;
  readonly demoData: boolean;
  /** Seed the factor-catalogue trees ACTIVE (they then take part in evaluate-all); INACTIVE by default. */
  readonly demoFactorTreesActive: boolean;
  readonly admin: { readonly user: string; readonly password: string | undefined };
  readonly treeCacheTtlMs: number;
  readonly shutdownTimeoutMs: number;
  /** Login attempts per username / per client address within a fixed window before 429 (login-limiter.ts). */
  readonly loginThrottle: { readonly userAttempts: number; readonly addressAttempts: number; readonly windowMs: number };
  readonly swaggerEnabled: boolean;
  readonly redisUrl: string | undefined;
  readonly natsUrl: string | undefined;
  /** Start the credit-bureau/AML/wallet simulators with the demo (default: outside production). */
  readonly sandbox: { readonly enabled: boolean; readonly port: number };
  /** How long external-system and Drools registries trust their cache (other processes' writes). */
  readonly externalCacheTtlMs: number;
  /** EXTERNAL_HOSTS_ALLOW: the only hosts external systems may call in production, when not empty. */
  readonly externalHostsAllow: readonly string[];
  readonly referenceCsvLimitBytes: number;
  readonly jwt: { readonly secret: string | undefined; readonly ttlSeconds: number };
  /**
   * Keys for secrets at rest, base64. `development`: BANYAN_SECRET_KEY was not set and the
   * published development key is in use (refused in production).
   */
  readonly secretKeys: { readonly current: string; readonly previous: readonly string[]; readonly development: boolean };
  readonly nats: { readonly stream: string; readonly subjectPrefix: string };
  /** TRIGGER_DEFAULT_TENANT: who `trigger.user.<type>` (no tenant in the subject) belongs to; undefined refuses such messages. */
  readonly triggerDefaultTenant: string | undefined;
  readonly outbox: { readonly pollMs: number; readonly batchSize: number; readonly retryMaxMs: number; readonly retentionHours: number };
  /** Undefined: outside production the worker pays into an embedded sandbox wallet. */
  readonly walletUrl: string | undefined;
  readonly rewards: RewardsConfig;
  readonly audit: AuditConfig;
  /** BANYAN_BENCH: serve the HTTP benchmark's baseline routes (the full stack minus any work). */
  readonly benchRoutes: boolean;
  readonly usage: { readonly flushMs: number };
}

export interface RewardsConfig {
  readonly walletTimeoutMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly leaseMs: number;
  /** How often a paying worker renews its leases and looks for expired ones to take over. */
  readonly heartbeatMs: number;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly concurrency: number;
  readonly sweepMs: number;
  readonly callbackTimeoutMs: number;
  /** Hosts exempt from the production rule that callback URLs must be public (CALLBACK_ALLOWED_HOSTS). */
  readonly callbackAllowedHosts: readonly string[];
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
  if (env.REWARD_HEARTBEAT_MS !== undefined && env.REWARD_HEARTBEAT_MS >= env.REWARD_LEASE_MS) {
    throw new ConfigError([
      `REWARD_HEARTBEAT_MS: must be shorter than REWARD_LEASE_MS (${env.REWARD_LEASE_MS}), or a live claim would expire between renewals (got ${env.REWARD_HEARTBEAT_MS})`,
    ]);
  }
  const externalHostsAllow = hostList(env.EXTERNAL_HOSTS_ALLOW);
  const badHost = externalHostsAllow.find((h) => !HOST_ENTRY.test(h));
  if (badHost !== undefined)
    throw new ConfigError([`EXTERNAL_HOSTS_ALLOW: "${badHost}" is not a host or host:port (no scheme or path; IPv6 as [addr] or [addr]:port)`]);
  const secretKeys = secretKeysOf(env);
  const database: Config['database'] = env.DATABASE_URL?.startsWith('postgres')
    ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DB_POOL_SIZE }
    : { kind: 'sqlite', file: env.DATABASE_URL ? env.DATABASE_URL.replace(/^sqlite:\/\//, '') : `${env.DATA_DIR}/banyan.db` };

  return Object.freeze({
    env: env.NODE_ENV,
    port: env.PORT,
    httpWorkers: env.HTTP_WORKERS === 'auto' ? availableParallelism() : Number(env.HTTP_WORKERS),
    host: env.HOST,
    dataDir: env.DATA_DIR,
    database: Object.freeze(database),
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    evaluation: Object.freeze({ deadlineMs: env.EVALUATION_DEADLINE_MS, bodyLimitBytes: env.EVALUATE_BODY_LIMIT_BYTES }),
    bodyDrainLimitBytes: env.BODY_DRAIN_LIMIT_BYTES,
    demoData: env.DEMO_DATA,
    demoFactorTreesActive: env.DEMO_FACTOR_TREES_ACTIVE,
    admin: Object.freeze({ user: env.BANYAN_ADMIN_USER, password: env.BANYAN_ADMIN_PASSWORD }),
    treeCacheTtlMs: env.TREE_CACHE_TTL_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    loginThrottle: Object.freeze({
      userAttempts: env.LOGIN_THROTTLE_FREE_ATTEMPTS,
      addressAttempts: env.LOGIN_THROTTLE_ADDRESS_ATTEMPTS,
      windowMs: env.LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
    }),
    swaggerEnabled: env.SWAGGER_ENABLED ?? env.NODE_ENV !== 'production',
    redisUrl: env.REDIS_URL,
    natsUrl: env.NATS_URL,
    sandbox: Object.freeze({ enabled: env.SANDBOX_ENABLED ?? env.NODE_ENV !== 'production', port: env.SANDBOX_PORT }),
    externalCacheTtlMs: env.EXTERNAL_CACHE_TTL_MS,
    externalHostsAllow: Object.freeze(externalHostsAllow),
    referenceCsvLimitBytes: env.REFERENCE_CSV_LIMIT_BYTES,
    nats: Object.freeze({ stream: env.NATS_STREAM, subjectPrefix: env.NATS_SUBJECT_PREFIX }),
    triggerDefaultTenant: env.TRIGGER_DEFAULT_TENANT,
    outbox: Object.freeze({
      pollMs: env.OUTBOX_POLL_MS,
      batchSize: env.OUTBOX_BATCH_SIZE,
      retryMaxMs: env.OUTBOX_RETRY_MAX_MS,
      retentionHours: env.OUTBOX_RETENTION_HOURS,
    }),
    walletUrl: env.WALLET_URL,
    rewards: Object.freeze({
      walletTimeoutMs: env.WALLET_TIMEOUT_MS,
      maxAttempts: env.REWARD_MAX_ATTEMPTS,
      retryBaseMs: env.REWARD_RETRY_BASE_MS,
      retryMaxMs: env.REWARD_RETRY_MAX_MS,
      leaseMs: env.REWARD_LEASE_MS,
      heartbeatMs: env.REWARD_HEARTBEAT_MS ?? Math.min(1000, Math.floor(env.REWARD_LEASE_MS / 3)),
      ackWaitMs: env.REWARD_ACK_WAIT_MS,
      maxDeliver: env.REWARD_MAX_DELIVER,
      concurrency: env.REWARD_CONCURRENCY,
      sweepMs: env.REWARD_SWEEP_MS,
      callbackTimeoutMs: env.CALLBACK_TIMEOUT_MS,
      callbackAllowedHosts: Object.freeze(hostList(env.CALLBACK_ALLOWED_HOSTS)),
    }),
    jwt: Object.freeze({ secret: env.JWT_SECRET, ttlSeconds: env.JWT_TTL_SECONDS }),
    secretKeys: Object.freeze({ ...secretKeys, previous: Object.freeze(secretKeys.previous) }),
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
    benchRoutes: env.BANYAN_BENCH,
    usage: Object.freeze({ flushMs: env.USAGE_FLUSH_MS }),
  });
}

/** BANYAN_SECRET_KEY(_PREVIOUS): validated, base64; the development key when unset outside production. */
function secretKeysOf(env: Env): { current: string; previous: string[]; development: boolean } {
  const problems: string[] = [];
  const decode = (name: string, text: string): string | undefined => {
    const key = parseSecretKey(text);
    if (!key) problems.push(`${name}: must be 32 bytes as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`);
    return key ? Buffer.from(key).toString('base64') : undefined;
  };
  const development = Buffer.from(DEVELOPMENT_SECRET_KEY).toString('base64');
  const current = env.BANYAN_SECRET_KEY === undefined ? undefined : decode('BANYAN_SECRET_KEY', env.BANYAN_SECRET_KEY);
  const previous = (env.BANYAN_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => decode('BANYAN_SECRET_KEY_PREVIOUS', k))
    .filter((k): k is string => k !== undefined);
  if (env.NODE_ENV === 'production') {
    if (env.BANYAN_SECRET_KEY === undefined)
      problems.push('BANYAN_SECRET_KEY: required when NODE_ENV=production (encrypts stored secrets; generate with `openssl rand -base64 32`)');
    else if (current === development)
      problems.push('BANYAN_SECRET_KEY: the published development key is not a secret; generate one with `openssl rand -base64 32`');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Outside production the development key stays readable too, so data written before a key was set keeps working.
  const withDev = current !== undefined && current !== development && env.NODE_ENV !== 'production' ? [...previous, development] : previous;
  return { current: current ?? development, previous: withDev, development: current === undefined || current === development };
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. */
const HOST_ENTRY = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?(?::\d{1,5})?|\[[0-9a-f:.]+\](?::\d{1,5})?|[0-9a-f]*:[0-9a-f:.]+)$/;

/** A comma-separated host list, trimmed and lower-cased (entries are `host`, `host:port`, `[v6]:port`). */
function hostList(text: string): string[] {
  return text
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
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
